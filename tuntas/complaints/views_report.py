"""The citizen's report (/lapor/): form, review, send, receipt and its PDF.

Everything typed is kept in the session (sealed with the identity keys, since it holds a name
and perhaps a NIK) and every accepted file is staged on disk, so that neither a refused file,
nor a validation error, nor a lost connection costs the reporter what they already gave. The
draft and its files are deleted when the report is sent, or after 24 hours.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tuntas.complaints import codes
from tuntas.complaints.abuse import (
    challenge_create,
    challenge_verify,
    client_ip,
    limit_hit,
    limit_reached,
    staging_limit,
    submission_limit,
)
from tuntas.complaints.attachments import AttachmentRefused, attachments_check
from tuntas.complaints.forms import ReportForm
from tuntas.complaints.models import IdentityMode, Visibility
from tuntas.complaints.receipt import receipt_filename, receipt_pdf
from tuntas.complaints.selectors import report_for_receipt
from tuntas.complaints.selectors_directory import directory_for_reports
from tuntas.complaints.services_intake import report_submit
from tuntas.complaints.staging import (
    STAGING_MAX_AGE_SECONDS,
    staged_add,
    staged_list,
    staged_remove,
    staged_uploads,
    staging_discard,
    staging_new_token,
)
from tuntas.complaints.views_tracking import report_for_reporter, tracking_authorise
from tuntas.core.sealing import seal_text, unseal_text

SESSION_DRAFT = "tuntas_report_draft"
SESSION_RECEIPT = "tuntas_report_receipt"
# The PDF receipt carries the access code; it can be fetched for this long after sending.
RECEIPT_PDF_SECONDS = 30 * 60
MAX_VALUE_CHARS = 20_000
DRAFT_FIELDS = [name for name in ReportForm.base_fields if name != "attachments"]


@dataclass
class Draft:
    token: str
    data: dict[str, str]
    saved_at: float


def _sealed_load(request: HttpRequest, key: str) -> dict[str, Any] | None:
    sealed = request.session.get(key)
    if not sealed:
        return None
    try:
        return dict(json.loads(unseal_text(str(sealed))))
    except (InvalidToken, ValueError, TypeError):
        request.session.pop(key, None)  # sealed under a retired key, or tampered with
        return None


def _draft_load(request: HttpRequest) -> Draft | None:
    raw = _sealed_load(request, SESSION_DRAFT)
    if raw is None:
        return None
    draft = Draft(token=str(raw["token"]), data=dict(raw["data"]), saved_at=float(raw["saved_at"]))
    if time.time() - draft.saved_at > STAGING_MAX_AGE_SECONDS:
        _draft_forget(request, draft)
        return None
    return draft


def _draft_store(request: HttpRequest, draft: Draft) -> None:
    draft.saved_at = time.time()
    request.session[SESSION_DRAFT] = seal_text(json.dumps(asdict(draft)))


def _draft_forget(request: HttpRequest, draft: Draft) -> None:
    staging_discard(draft.token)
    request.session.pop(SESSION_DRAFT, None)


def _values(post: QueryDict) -> dict[str, str]:
    return {name: post.get(name, "")[:MAX_VALUE_CHARS] for name in DRAFT_FIELDS if name in post}


def _citizen(request: HttpRequest) -> Any:
    user = request.user
    return user if user.is_authenticated and getattr(user, "kind", "") == "citizen" else None


def _first_visit_initial(request: HttpRequest) -> dict[str, str]:
    initial: dict[str, str] = {}
    slug = request.GET.get("instansi", "")
    chosen = directory_for_reports().institution_ids_by_slug.get(slug) if slug else None
    if chosen is not None:
        initial["institution"] = str(chosen)
    citizen = _citizen(request)
    if citizen is not None:
        initial.update(name=citizen.full_name, email=citizen.email)
    return initial


def _refused(name: str, rule: str) -> str:
    return _("%(name)s: %(rule)s") % {"name": name, "rule": rule}


def _stage_uploads(request: HttpRequest, draft: Draft) -> list[str]:
    """Judge and stage each new file on its own, so that one bad file does not sink the others."""
    errors: list[str] = []
    client, limit = client_ip(request), staging_limit()
    for upload in request.FILES.getlist("attachments"):
        name = upload.name or "?"
        if limit_reached(limit, client):
            errors.append(
                _refused(
                    name,
                    _("too many files were uploaded from your connection; try again in an hour."),
                )
            )
            continue
        try:
            checked = attachments_check([upload], already_attached=len(staged_list(draft.token)))
        except AttachmentRefused as refused:
            errors.append(_refused(refused.name, refused.rule))
            continue
        staged_add(token=draft.token, checked=checked[0])
        limit_hit(limit, client)
    return errors


def _form_context(
    request: HttpRequest,
    form: ReportForm | None,
    draft: Draft | None,
    *,
    file_errors: list[str] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    return {
        "form": form,
        "staged": staged_list(draft.token) if draft else [],
        "has_draft": draft is not None and bool(draft.data),
        "file_errors": file_errors or [],
        "notice": notice,
        "retention_years": settings.IDENTITY_RETENTION_YEARS,
        "citizen": _citizen(request),
    }


def _render_form(
    request: HttpRequest,
    form: ReportForm,
    draft: Draft | None,
    *,
    file_errors: list[str] | None = None,
    notice: str = "",
) -> HttpResponse:
    context = _form_context(request, form, draft, file_errors=file_errors, notice=notice)
    return render(request, "complaints/report_form.html", context)


# The fields of a blank form, per process: {(language, directory snapshot, day, …): html}.
_blank_fields_rendered: dict[tuple[Any, ...], SafeString] = {}


def _render_blank_form(request: HttpRequest) -> HttpResponse:
    """A first visit's form. Its fieldsets depend only on the language, the directory
    snapshot (institutions, units, categories), today's date (the date fields' upper bound)
    and three settings, so they are rendered once per process for each combination; the CSRF
    token and the rest of the page stay outside, rendered per request. A form instance is
    built only to render them."""
    today = timezone.localdate()
    key = (
        get_language(),
        directory_for_reports().generation,
        today,
        settings.IDENTITY_RETENTION_YEARS,
        settings.ATTACHMENT_MAX_COUNT,
        settings.ATTACHMENT_MAX_BYTES,
    )
    context = _form_context(request, None, None)
    html = _blank_fields_rendered.get(key)
    if html is None:
        fields_context = {**context, "form": ReportForm(initial={}, today=today)}
        html = render_to_string("complaints/_report_fields.html", fields_context, request)
        if len(_blank_fields_rendered) >= 8:
            _blank_fields_rendered.clear()  # past days and directories, both languages
        _blank_fields_rendered[key] = html
    return render(request, "complaints/report_form.html", {**context, "blank_fields": html})


@never_cache
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    draft = _draft_load(request)
    if request.method == "GET":
        initial = dict(draft.data) if draft else _first_visit_initial(request)
        if draft is None and not initial:
            return _render_blank_form(request)
        return _render_form(request, ReportForm(initial=initial), draft)

    action = request.POST.get("action", "review")
    if action == "discard":
        if draft is not None:
            _draft_forget(request, draft)
        messages.info(request, _("The form was emptied and its files were deleted."))
        return redirect("report:form")
    if draft is None:
        draft = Draft(token=staging_new_token(), data={}, saved_at=time.time())
    for file_id in request.POST.getlist("remove_file"):
        staged_remove(token=draft.token, file_id=file_id)
    file_errors = _stage_uploads(request, draft)
    draft.data = _values(request.POST)
    _draft_store(request, draft)

    if action in ("units", "find"):
        notice = (
            _("The list of units was updated. Nothing has been sent yet.")
            if action == "units"
            else _("The list of institutions was updated. Nothing has been sent yet.")
        )
        form = ReportForm(initial=draft.data)
        return _render_form(request, form, draft, file_errors=file_errors, notice=notice)
    form = ReportForm(data=draft.data)
    if form.is_valid() and not file_errors:
        return redirect("report:review")
    return _render_form(request, form, draft, file_errors=file_errors)


@require_GET
def units_fragment(request: HttpRequest) -> HttpResponse:
    """htmx: the unit select for the institution just chosen."""
    if not getattr(request, "htmx", False):
        return redirect("report:form")
    form = ReportForm(initial={"institution": request.GET.get("institution", "")})
    return render(request, "complaints/_unit_field.html", {"form": form})


@require_GET
def institutions_fragment(request: HttpRequest) -> HttpResponse:
    """htmx: the institution select narrowed to the search words typed so far."""
    if not getattr(request, "htmx", False):
        return redirect("report:form")
    form = ReportForm(
        initial={
            "institution_q": request.GET.get("institution_q", "")[:100],
            "institution": request.GET.get("institution", ""),
        }
    )
    return render(request, "complaints/_institution_select.html", {"form": form})


def _render_review(
    request: HttpRequest,
    form: ReportForm,
    draft: Draft,
    *,
    needs_challenge: bool,
    challenge_failed: bool = False,
    status: int = 200,
) -> HttpResponse:
    data = form.cleaned_data
    context = {
        "form": form,
        "data": data,
        "category": data["category"].name_in(get_language() or "id"),
        "anonymous": data["identity_mode"] == IdentityMode.ANONYMOUS,
        "identity_mode_label": dict(IdentityMode.choices)[data["identity_mode"]],
        "visibility_label": dict(Visibility.choices).get(data["visibility"], ""),
        "staged": staged_list(draft.token),
        "past_time_limit": form.past_time_limit,
        "challenge": challenge_create() if needs_challenge else "",
        "challenge_failed": challenge_failed,
        "limit_minutes": submission_limit().minutes,
        "contact_phone": getattr(settings, "TUNTAS_CONTACT_PHONE", "137"),
    }
    return render(request, "complaints/review.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    draft = _draft_load(request)
    if draft is None:
        if _sealed_load(request, SESSION_RECEIPT) is not None:
            return redirect("report:receipt")  # "Send" pressed twice on a slow connection
        messages.info(
            request,
            _(
                "There is no report waiting to be sent. Fill in the form first; it is kept for 24 hours."
            ),
        )
        return redirect("report:form")
    form = ReportForm(data=draft.data)
    if not form.is_valid():
        return _render_form(request, form, draft)
    client = client_ip(request)
    needs_challenge = limit_reached(submission_limit(), client)
    if request.method == "GET":
        return _render_review(request, form, draft, needs_challenge=needs_challenge)
    if needs_challenge and not challenge_verify(request.POST.get("altcha", "")):
        return _render_review(
            request, form, draft, needs_challenge=True, challenge_failed=True, status=429
        )
    return _send(request, form, draft, client)


def _send(request: HttpRequest, form: ReportForm, draft: Draft, client: str) -> HttpResponse:
    lock = f"tuntas:report-send:{draft.token}"
    if not cache.add(lock, 1, timeout=120):
        messages.info(request, _("Your report is already being sent. Wait a moment."))
        return redirect("report:review")
    report_draft = form.draft(language=get_language() or "id")
    report_draft.uploads = list(staged_uploads(draft.token))
    identity = report_draft.identity
    try:
        # The receipt's state is saved in the report's own transaction: one write (and one
        # fsync) fewer per submission on SQLite, and a crash between the two can no longer
        # leave a sent report whose draft is still waiting to be sent again.
        with transaction.atomic():
            submitted = report_submit(draft=report_draft, channel="web", actor=_citizen(request))
            request.session.pop(SESSION_DRAFT, None)
            state = {
                "report_id": submitted.report.pk,
                "code": submitted.access_code,
                "shown": False,
                "emailed": bool(identity and identity.email),
                "name": identity.name
                if identity and report_draft.identity_mode == "terbuka"
                else "",
                "past_time_limit": form.past_time_limit,
                "expires": time.time() + RECEIPT_PDF_SECONDS,
            }
            request.session[SESSION_RECEIPT] = seal_text(json.dumps(state))
            _session_save_now(request)
    except AttachmentRefused as refused:
        cache.delete(lock)
        return _render_form(
            request, form, draft, file_errors=[_refused(refused.name, refused.rule)]
        )
    except ValidationError as error:
        cache.delete(lock)
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_form(request, form, draft)
    except Exception:
        cache.delete(lock)  # nothing was committed: the draft may be sent again at once
        raise
    staging_discard(draft.token)  # the files are in the report now
    limit_hit(submission_limit(), client)
    return tracking_authorise(request, redirect("report:receipt"), submitted.report)


def _session_save_now(request: HttpRequest) -> None:
    """Save the session inside the caller's transaction instead of after the response."""
    session = request.session
    had_key = session.session_key is not None
    session.save()
    # The middleware saves a modified session again, and sets the cookie only then: keep
    # that for a session created just now, skip the second write otherwise.
    session.modified = not had_key


def _receipt_state(request: HttpRequest) -> dict[str, Any] | None:
    state = _sealed_load(request, SESSION_RECEIPT)
    if state is not None and float(state["expires"]) < time.time():
        request.session.pop(SESSION_RECEIPT, None)
        return None
    return state


@never_cache
@require_GET
def receipt(request: HttpRequest) -> HttpResponse:
    state = _receipt_state(request)
    report = report_for_receipt(pk=int(state["report_id"])) if state else None
    if state is None or report is None:
        return render(request, "complaints/receipt.html", {"report": None})
    access_code = ""
    if not state["shown"]:
        # Shown once: a reload, the back button or a shared phone does not reveal it again.
        access_code = codes.format_access_code(state["code"])
        state["shown"] = True
        request.session[SESSION_RECEIPT] = seal_text(json.dumps(state))
    context = {
        "report": report,
        "number": codes.format_public_number(report.public_number),
        "access_code": access_code,
        "emailed": state["emailed"],
        "past_time_limit": state["past_time_limit"],
        "category": report.category.name_in(get_language() or "id"),
        "pdf_minutes": RECEIPT_PDF_SECONDS // 60,
    }
    return render(request, "complaints/receipt.html", context)


@never_cache
@require_GET
def receipt_download(request: HttpRequest) -> HttpResponse:
    state = _receipt_state(request)
    report = report_for_reporter(pk=int(state["report_id"])) if state else None
    if state is None or report is None:
        raise Http404("no receipt in this session")
    pdf = receipt_pdf(
        report=report,
        access_code=str(state["code"]),
        reporter_name=str(state["name"]),
        language=get_language() or "id",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(report)}"'
    return response
