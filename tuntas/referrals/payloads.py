"""What a referral tells the peer, and how a received one becomes a draft report here.

Identity mode is respected: an open reporter's identity is sent; a confidential (rahasia)
reporter's only to an Ombudsman instance, marked confidential so that the receiver stores it as
rahasia; an anonymous reporter has no identity to send. A confidential identity to a partner
instance is withheld: the linked report there is anonymous, and no files go with it.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from tuntas.complaints.identity import Identity, unseal
from tuntas.complaints.models import Attachment, Category, IdentityMode, Report, ScanStatus
from tuntas.complaints.services_intake import ReportDraft
from tuntas.referrals.models import Peer, Referral

SCHEMA_VERSION = 1
FALLBACK_CATEGORY = "lainnya"


def _identity_to_send(report: Report, peer: Peer) -> tuple[dict[str, str] | None, bool]:
    row = getattr(report, "identity", None)
    if row is None or report.identity_mode == IdentityMode.ANONYMOUS:
        return None, False
    if report.identity_mode == IdentityMode.CONFIDENTIAL and not peer.is_ombudsman:
        return None, False
    return asdict(unseal(row.sealed)), report.identity_mode == IdentityMode.CONFIDENTIAL


def referable_attachments(report: Report, peer: Peer) -> list[Attachment]:
    """The reporter's files the peer may fetch (their safe copies): none where the identity is
    withheld from the peer, since a file (an ID card, a letter) may name the reporter."""
    if report.identity_mode == IdentityMode.CONFIDENTIAL and not peer.is_ombudsman:
        return []
    return list(
        report.attachments.filter(uploaded_by_reporter=True)
        .exclude(safe_name="")
        .exclude(scan_status=ScanStatus.PENDING)
        .order_by("pk")
    )


def referral_payload(*, referral: Referral, peer: Peer) -> tuple[dict[str, Any], bool]:
    """The body of an outgoing referral, and whether it carries the reporter's identity."""
    report = referral.report
    identity, confidential = _identity_to_send(report, peer)
    attachments = [
        {
            "index": index,
            "name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
        }
        for index, attachment in enumerate(referable_attachments(report, peer))
    ]
    payload = {
        "schema": SCHEMA_VERSION,
        "reference": str(referral.reference),
        "origin": {
            "instance": peer.our_id,
            "report_number": report.public_number,
            "institution": report.institution.slug,
            "institution_name": report.institution.name,
        },
        "reason": referral.reason,
        "report": {
            "title": report.title,
            "description": report.description,
            "occurred_on": report.occurred_on.isoformat() if report.occurred_on else None,
            "desired_outcome": report.desired_outcome,
            "category": report.category.slug,
            "service_name": report.service_name,
            "address": report.address,
            "kecamatan": report.kecamatan,
            "kelurahan": report.kelurahan,
            "complained_before": report.complained_before,
            "complained_on": report.complained_on.isoformat() if report.complained_on else None,
            "complaint_response": report.complaint_response,
            "language": report.language,
        },
        "identity": identity,
        "confidential": confidential,
        "identity_withheld": identity is None and report.identity_mode != IdentityMode.ANONYMOUS,
        "attachments": attachments,
    }
    return payload, identity is not None


def _text(data: dict[str, Any], name: str, limit: int) -> str:
    value = data.get(name) or ""
    if not isinstance(value, str):
        raise ValidationError({name: _("Expected text.")})
    return value[:limit]


def _date(data: dict[str, Any], name: str) -> datetime.date | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    parsed = parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValidationError({name: _("Expected a date as YYYY-MM-DD.")})
    return parsed


def draft_from_payload(*, payload: dict[str, Any], peer: Peer) -> tuple[ReportDraft, str]:
    """The draft report for the receiving institution, and the reference of the referral."""
    reference = payload.get("reference")
    report = payload.get("report")
    if not isinstance(report, dict):
        raise ValidationError({"report": _("A referral needs a report.")})
    try:
        reference = str(uuid.UUID(str(reference)))
    except ValueError:
        raise ValidationError({"reference": _("The reference must be a UUID.")}) from None
    category = (
        Category.objects.filter(slug=report.get("category"), is_active=True).first()
        or Category.objects.filter(slug=FALLBACK_CATEGORY, is_active=True).first()
        or Category.objects.filter(is_active=True).first()
    )
    if category is None:
        raise ValidationError({"category": _("This instance has no active category.")})
    raw_identity = payload.get("identity")
    identity = None
    mode = IdentityMode.ANONYMOUS
    if isinstance(raw_identity, dict) and raw_identity.get("name"):
        fields = {
            key: str(raw_identity.get(key) or "")[:300]
            for key in ("name", "nik", "phone", "email", "address")
        }
        identity = Identity(**fields)
        mode = IdentityMode.CONFIDENTIAL if payload.get("confidential") else IdentityMode.OPEN
    draft = ReportDraft(
        institution=peer.institution,
        category=category,
        title=_text(report, "title", 200),
        description=_text(report, "description", 20000),
        identity_mode=mode,
        occurred_on=_date(report, "occurred_on"),
        desired_outcome=_text(report, "desired_outcome", 5000),
        service_name=_text(report, "service_name", 200),
        address=_text(report, "address", 300),
        kecamatan=_text(report, "kecamatan", 100),
        kelurahan=_text(report, "kelurahan", 100),
        complained_before=bool(report.get("complained_before")),
        complained_on=_date(report, "complained_on"),
        complaint_response=_text(report, "complaint_response", 5000),
        identity=identity,
        consent=identity is not None,  # given at the origin, under the same privacy notice
        language=_text(report, "language", 5) or "id",
        channel_reference=f"{peer.slug}:{reference}"[:200],
    )
    return draft, reference
