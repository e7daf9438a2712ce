"""The agency case's last step when the reporter takes the report to the Ombudsman.

The Ombudsman track (tuntas.ombudsman, a higher layer) calls this when it opens a case from an
escalated agency case; the agency case closes as referred_to_ombudsman and hands over its
history as plain text, so that the Ombudsman sees what the institution already did.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.audit import registry
from tuntas.audit.models import AuditEvent
from tuntas.cases.models import AgencyCase, MessageKind
from tuntas.cases.services import _step
from tuntas.cases.workflow import AgencyState


def agency_case_history(*, case: AgencyCase) -> str:
    """What happened on the agency track, oldest first: events and the messages with the reporter.

    Internal notes stay with the institution; the reporter's identity is not part of it.
    """
    labels = {action.name: str(action.label) for action in registry.all_actions()}
    lines = [
        _("Handled by %(institution)s since %(date)s; last state: %(state)s.")
        % {
            "institution": case.institution.name,
            "date": timezone.localtime(case.opened_at).date().isoformat(),
            "state": AgencyState(case.state).label,
        }
    ]
    events = AuditEvent.objects.filter(
        object_type="complaints.report", object_id=str(case.report_id), action__startswith="case."
    ).order_by("sequence")
    for event in events:
        when = timezone.localtime(event.occurred_at).date().isoformat()
        lines.append(f"{when} — {labels.get(event.action, event.action)}")
    for message in case.messages.exclude(kind=MessageKind.INTERNAL_NOTE):
        when = timezone.localtime(message.created_at).date().isoformat()
        lines.append(f"{when} — {message.get_kind_display()}: {message.body}")
    if case.resolution_summary:
        lines.append(_("Resolution given: %(text)s") % {"text": case.resolution_summary})
    if case.rejection_reason:
        lines.append(_("Reason for rejection: %(text)s") % {"text": case.rejection_reason})
    return "\n".join(lines)


@transaction.atomic
def case_refer_to_ombudsman(
    *,
    case: AgencyCase,
    actor: Any,
    expected_version: int | None = None,
    office_id: int | None = None,
) -> str:
    """Close the agency case as taken to the Ombudsman; returns its history for the new case."""
    history = agency_case_history(case=case)
    _step(
        case=case,
        name="refer_to_ombudsman",
        actor=actor,
        expected_version=expected_version,
        data={"office_id": office_id},
    )
    return history
