"""Referral pages for staff, and the two signed endpoints other instances call.

``POST /rujukan/masuk`` takes a referral, ``POST /rujukan/status`` a status update of a report
referred from here. Both answer JSON; an unsigned, badly signed, stale or replayed request is
refused with an error code, and nothing is written.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from tuntas.accounts.models import UserKind
from tuntas.complaints import codes
from tuntas.complaints.attachments import storage_dir
from tuntas.complaints.selectors import reports_visible_to
from tuntas.referrals import selectors
from tuntas.referrals.forms import PeerForm, ReferralForm
from tuntas.referrals.models import PeerMessage, Referral
from tuntas.referrals.payloads import referable_attachments
from tuntas.referrals.services import (
    peer_create,
    peer_update,
    referral_message_replay,
    referral_send,
)
from tuntas.referrals.services_intake import (
    AttachmentsUnavailable,
    referral_receive,
    referral_status_receive,
)
from tuntas.referrals.signing import SignatureRefused, verify
from tuntas.referrals.workflow import Direction

MAX_BODY_BYTES = 1_000_000


def _error(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, **extra}}, status=status)


def _signed_json(request: HttpRequest) -> tuple[Any, dict[str, Any]] | JsonResponse:
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "too_large", _("The request is too large."))
    try:
        peer = verify(
            method=request.method or "POST", path=request.path, headers=request.headers, body=body
        )
    except SignatureRefused as refusal:
        return _error(refusal.status, refusal.code, refusal.message)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "invalid_json", _("The body is not valid JSON."))
    if not isinstance(payload, dict):
        return _error(400, "invalid_json", _("The body must be a JSON object."))
    return peer, payload


def _validation_error(error: ValidationError) -> JsonResponse:
    fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    return _error(422, "invalid", _("The referral is not valid."), fields=fields)


@csrf_exempt
@require_POST
def incoming(request: HttpRequest) -> JsonResponse:
    checked = _signed_json(request)
    if isinstance(checked, JsonResponse):
        return checked
    peer, payload = checked
    try:
        received = referral_receive(peer=peer, payload=payload)
    except ValidationError as error:
        return _validation_error(error)
    except AttachmentsUnavailable:
        return _error(
            503,
            "attachments_unavailable",
            _("The referral's files could not be fetched; send the referral again later."),
        )
    referral = received.referral
    return JsonResponse(
        {
            "reference": str(referral.reference),
            "report_number": referral.report.public_number,
            "state": referral.state,
            "replayed": not received.created,
        },
        status=201 if received.created else 200,
    )


@csrf_exempt
@require_POST
def status(request: HttpRequest) -> JsonResponse:
    checked = _signed_json(request)
    if isinstance(checked, JsonResponse):
        return checked
    peer, payload = checked
    try:
        recorded = referral_status_receive(peer=peer, payload=payload)
    except ValidationError as error:
        return _validation_error(error)
    except LookupError:
        return _error(404, "unknown_referral", _("No referral from here has this reference."))
    return JsonResponse({"recorded": recorded}, status=200)


@require_GET
def attachment(request: HttpRequest, reference: uuid.UUID, index: int) -> HttpResponseBase:
    """The safe copy of a file of a referral sent from here, for the peer it was sent to."""
    try:
        peer = verify(method="GET", path=request.path, headers=request.headers, body=b"")
    except SignatureRefused as refusal:
        return _error(refusal.status, refusal.code, refusal.message)
    referral = (
        Referral.objects.filter(peer=peer, direction=Direction.OUTGOING, reference=reference)
        .select_related("report")
        .first()
    )
    files = referable_attachments(referral.report, peer) if referral is not None else []
    if not 0 <= index < len(files):
        return _error(404, "unknown_attachment", _("No such file in this referral."))
    item = files[index]
    try:
        handle = open(storage_dir() / item.safe_name, "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        return _error(404, "attachment_missing", _("This file is no longer stored here."))
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = "attachment"
    return response


# --- Staff pages -------------------------------------------------------------------------


def _staff_only(request: HttpRequest) -> None:
    if getattr(request.user, "kind", None) != UserKind.STAFF:
        raise Http404("referrals")


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    referrals = selectors.referrals_visible_to(request.user).order_by("-created_at")[:200]
    return render(
        request,
        "referrals/referral_list.html",
        {"referrals": referrals, "can_manage_peers": selectors.can_manage_peers(request.user)},
    )


@login_required
def referral_detail(request: HttpRequest, reference: str) -> HttpResponse:
    _staff_only(request)
    referral = selectors.referral_get_for_actor(actor=request.user, reference=reference)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "updates": referral.updates.all(),
            "messages_out": referral.messages.order_by("sequence"),
            "language": request.LANGUAGE_CODE,
        },
    )


@login_required
def referral_create(request: HttpRequest, number: str) -> HttpResponse:
    _staff_only(request)
    report = (
        reports_visible_to(request.user)
        .filter(public_number=codes.normalise_public_number(number))
        .first()
    )
    if report is None or not selectors.can_refer(request.user, report):
        raise Http404("report")
    form = ReferralForm(request.POST or None, peers=selectors.peers_for_referral())
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_send(
                case=report,
                peer=form.cleaned_data["peer"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The referral will be sent to the other instance."))
            return redirect("referrals:detail", reference=referral.reference)
    return render(request, "referrals/referral_form.html", {"form": form, "report": report})


@login_required
@require_POST
def message_replay(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    message = (
        PeerMessage.objects.filter(pk=pk, referral__in=selectors.referrals_visible_to(request.user))
        .select_related("referral")
        .first()
    )
    if message is None or not selectors.can_refer(request.user, message.referral.report):
        raise Http404("message")
    try:
        referral_message_replay(message=message, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message will be sent again."))
    return redirect("referrals:detail", reference=message.referral.reference)


@login_required
def peer_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if not selectors.can_manage_peers(request.user):
        raise Http404("peers")
    form = PeerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            peer_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The peer instance was added."))
            return redirect("referrals:peers")
    return render(
        request,
        "referrals/peer_list.html",
        {"peers": selectors.peers_visible_to(request.user), "form": form},
    )


@login_required
@require_POST
def peer_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop (or resume) exchanging with a peer: its requests are refused, nothing is sent to it."""
    _staff_only(request)
    peer = selectors.peers_visible_to(request.user).filter(pk=pk).first()
    if peer is None:
        raise Http404("peer")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        peer_update(
            peer=peer, actor=request.user, expected_version=version, is_active=not peer.is_active
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The peer instance was changed."))
    return redirect("referrals:peers")
