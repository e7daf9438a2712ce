"""The body of a webhook event: a whitelist of fields that never carry personal data.

Built only from the audit event's action, time, sequence and hash, and from the report's
number, institution slug, unit id and case state. Never the audit event's ``data`` or
``changes`` (which may hold notes and reasons), never a name, NIK, phone, e-mail, address,
title or description, whatever the report's identity mode.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils import translation

from tuntas.audit import registry
from tuntas.audit.models import AuditEvent
from tuntas.cases.workflow import AgencyState
from tuntas.complaints.models import Report
from tuntas.institutions.models import Institution
from tuntas.webhooks.engine import REPORT_OBJECT_TYPE

SCHEMA_VERSION = 1
OPENING_ACTIONS = ("case.opened", "ombudsman.opened")


def _label(action: str) -> dict[str, str]:
    label = registry.get(action).label
    labels = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = str(label)
    return labels


def case_state_at(event: AuditEvent) -> str | None:
    """The state of the report's handling right after ``event`` (from the audit trail itself)."""
    events = AuditEvent.objects.filter(
        object_type=REPORT_OBJECT_TYPE, object_id=event.object_id, sequence__lte=event.sequence
    )
    last_change = (
        events.filter(changes__has_key="state")
        .order_by("-sequence")
        .values_list("changes", flat=True)
        .first()
    )
    if last_change:
        return str(last_change["state"][1])
    if events.filter(action__in=OPENING_ACTIONS).exists():
        return str(AgencyState.RECEIVED)  # the agency and Ombudsman tracks both start "received"
    return None


def event_payload(event: AuditEvent, *, report: Report | None = None) -> dict[str, Any]:
    report = report or Report.objects.filter(pk=int(event.object_id)).first()
    institution = (
        Institution.objects.filter(pk=event.institution_id).values_list("slug", flat=True).first()
        if event.institution_id
        else None
    )
    unit_id = event.data.get("unit_id") if isinstance(event.data, dict) else None
    if unit_id is None and report is not None:
        unit_id = report.unit_id
    return {
        "schema": SCHEMA_VERSION,
        "id": event.hash,
        "sequence": event.sequence,
        "type": event.action,
        "occurred_at": event.occurred_at.isoformat(),
        "label": _label(event.action),
        "report": {
            "number": report.public_number if report is not None else None,
            "institution": institution,
            "unit_id": unit_id if isinstance(unit_id, int) else None,
            "case_state": case_state_at(event),
        },
    }


def encode(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
