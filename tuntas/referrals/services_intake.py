"""The receiving side: a referral from a peer becomes a linked report; a peer's status update
is recorded on the referred report. Both are idempotent (by reference, by event id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from tuntas.audit.services import audit_record
from tuntas.complaints.attachments import AttachmentRefused, attachments_check
from tuntas.complaints.models import Channel, Report
from tuntas.complaints.services_intake import ReportDraft, report_submit
from tuntas.institutions.models import Institution
from tuntas.ombudsman.services import ombudsman_report_submit
from tuntas.ombudsman.workflow import Source
from tuntas.referrals.models import (
    Peer,
    Referral,
    ReferralUpdate,
)
from tuntas.referrals.payloads import draft_from_payload
from tuntas.referrals.signing import signed_headers
from tuntas.referrals.workflow import Direction, ReferralState
from tuntas.webhooks import engine

# --- Receiving ---------------------------------------------------------------------------


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class ReceivedReferral:
    referral: Referral
    created: bool


def _submit(draft: ReportDraft, peer: Peer, origin: dict[str, Any]) -> Report:
    """The linked report. At an Ombudsman office it opens the Ombudsman track (source
    "referral") with the origin's institution as the reported party when this instance knows
    it; elsewhere it opens the receiving institution's agency track."""
    if not peer.institution.is_ombudsman:
        return report_submit(draft=draft, channel=Channel.REFERRAL, actor=None).report
    reported = (
        Institution.objects.filter(
            slug=str(origin.get("institution") or ""), is_active=True
        ).first()
        or peer.institution
    )
    draft.institution = reported
    draft.unit = None
    submitted = ombudsman_report_submit(
        draft=draft,
        channel=Channel.REFERRAL,
        actor=None,
        source=Source.REFERRAL,
        office=peer.institution,
    )
    return submitted.report


class AttachmentsUnavailable(Exception):
    """The origin did not hand over a file it announced: refuse now, the origin retries."""


def attachment_path(reference: str, index: int) -> str:
    return f"/rujukan/lampiran/{reference}/{index}"


def _fetch_attachments(
    *, peer: Peer, reference: str, items: list[dict[str, Any]]
) -> tuple[list[UploadedFile], list[dict[str, Any]]]:
    """Fetch the announced files (signed GETs to the origin) and judge each like any upload.

    A file the origin cannot serve makes the whole referral wait (AttachmentsUnavailable); a
    file this instance refuses (type, size, virus) is left out and listed as refused.
    """
    max_bytes = int(settings.ATTACHMENT_MAX_BYTES)
    uploads: list[UploadedFile] = []
    records: list[dict[str, Any]] = []
    for item in items[: int(settings.ATTACHMENT_MAX_COUNT)]:
        index = item.get("index")
        if not isinstance(index, int):
            continue
        path = attachment_path(reference, index)
        try:
            response = requests.get(
                f"{peer.base_url}{path}",
                headers=signed_headers(peer=peer, method="GET", path=path, body=b""),
                timeout=(5.0, engine.request_timeout()),
                stream=True,
                allow_redirects=False,
            )
            content = response.raw.read(max_bytes + 1, decode_content=True)
            response.close()
        except requests.RequestException as error:
            raise AttachmentsUnavailable(str(error)) from None
        if response.status_code != 200:
            raise AttachmentsUnavailable(f"HTTP {response.status_code} for {path}")
        name = str(item.get("name") or f"file-{index}")[:200]
        record: dict[str, Any] = {
            "name": name,
            "content_type": str(item.get("content_type") or "")[:100],
            "size": len(content),
        }
        upload = SimpleUploadedFile(name, content)
        try:
            attachments_check([upload])
        except AttachmentRefused as refusal:
            if refusal.retryable:
                raise AttachmentsUnavailable(str(refusal)) from None
            records.append({**record, "refused": refusal.rule})
            continue
        upload.seek(0)
        uploads.append(upload)
        records.append({**record, "refused": ""})
    return uploads, records


def referral_receive(*, peer: Peer, payload: dict[str, Any]) -> ReceivedReferral:
    """Create the linked report of a referral from ``peer``; a repeat returns the first one."""
    draft, reference = draft_from_payload(payload=payload, peer=peer)
    existing = Referral.objects.filter(
        peer=peer, direction=Direction.INCOMING, reference=reference
    ).first()
    if existing is not None:
        return ReceivedReferral(referral=existing, created=False)
    origin = _mapping(payload.get("origin"))
    announced = [item for item in payload.get("attachments") or [] if isinstance(item, dict)]
    draft.uploads, attachments = _fetch_attachments(peer=peer, reference=reference, items=announced)
    try:
        with transaction.atomic():
            report = _submit(draft, peer, origin)
            referral = Referral.objects.create(
                reference=reference,
                peer=peer,
                direction=Direction.INCOMING,
                report=report,
                state=ReferralState.RECEIVED,
                reason=str(payload.get("reason") or "")[:5000],
                remote_report_number=str(origin.get("report_number") or "")[:40],
                identity_shared=draft.identity is not None,
                attachments=attachments,
            )
            audit_record(
                actor=None,
                action="referral.received",
                obj=report,
                institution_id=report.institution_id,
                data={
                    "referral": str(referral.reference),
                    "peer": peer.slug,
                    "origin_report_number": referral.remote_report_number,
                    "identity_withheld_by_origin": bool(payload.get("identity_withheld")),
                },
            )
    except IntegrityError:
        # The same referral arrived twice at once: the other request made it.
        existing = Referral.objects.filter(
            peer=peer, direction=Direction.INCOMING, reference=reference
        ).first()
        if existing is None:
            raise
        return ReceivedReferral(referral=existing, created=False)
    return ReceivedReferral(referral=referral, created=True)


def referral_status_receive(*, peer: Peer, payload: dict[str, Any]) -> bool:
    """Record a public event of the linked report at ``peer``; False when already recorded."""
    event = payload.get("event")
    reference = payload.get("reference")
    if not isinstance(event, dict) or not isinstance(reference, str):
        raise ValidationError({"event": _("A status update needs a reference and an event.")})
    event_id = str(event.get("id") or "")[:64]
    occurred_at = parse_datetime(str(event.get("occurred_at") or ""))
    if not event_id or occurred_at is None or not isinstance(event.get("type"), str):
        raise ValidationError({"event": _("The event needs an id, a type and a time.")})
    label = _mapping(event.get("label"))
    report_info = _mapping(event.get("report"))
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update()
            .select_related("report")
            .filter(peer=peer, direction=Direction.OUTGOING, reference=reference)
            .first()
        )
        if referral is None:
            raise LookupError(reference)
        if ReferralUpdate.objects.filter(referral=referral, remote_event_id=event_id).exists():
            return False
        case_state = str(report_info.get("case_state") or "")[:40]
        ReferralUpdate.objects.create(
            referral=referral,
            remote_event_id=event_id,
            event_type=event["type"][:100],
            label={str(k)[:5]: str(v)[:300] for k, v in label.items()},
            case_state=case_state,
            occurred_at=occurred_at,
        )
        remote_number = str(report_info.get("number") or "")[:40]
        if remote_number and not referral.remote_report_number:
            referral.remote_report_number = remote_number
            referral.save(update_fields=["remote_report_number"])
        audit_record(
            actor=None,
            action="referral.status_received",
            obj=referral.report,
            institution_id=referral.report.institution_id,
            data={
                "referral": str(referral.reference),
                "peer": peer.slug,
                "remote_event_id": event_id,
                "remote_event_type": event["type"][:100],
                "remote_case_state": case_state,
            },
        )
    return True
