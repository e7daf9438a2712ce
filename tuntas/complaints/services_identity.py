"""Reading a reporter's identity as staff: the rule is the selector's, the record is here."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tuntas.audit.services import audit_record
from tuntas.complaints.identity import Identity
from tuntas.complaints.models import IdentityMode, Report
from tuntas.complaints.selectors import report_identity_for


def report_identity_view(*, report: Report, actor: Any) -> Identity | str | None:
    """What ``actor`` may read of the reporter (identity, withheld label, or None = anonymous).

    Each reading of a confidential (rahasia) identity is an audit event, so that the reporter's
    protection can be checked afterwards: who looked, when, at which report.
    """
    shown = report_identity_for(actor=actor, report=report)
    if isinstance(shown, Identity) and report.identity_mode == IdentityMode.CONFIDENTIAL:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="report.identity_viewed",
                obj=report,
                institution_id=report.institution_id,
                data={"identity_mode": report.identity_mode},
            )
    return shown
