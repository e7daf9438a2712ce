"""What the reporter's tracking page shows about the Ombudsman track, and which actions it offers.

Read-only; the tracking views have already checked the reporter's grant for ``report``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from tuntas.complaints.models import Report
from tuntas.ombudsman import clock
from tuntas.ombudsman.models import CompletenessRequest, Lahp, OmbudsmanCase
from tuntas.ombudsman.models_outcome import Conclusion
from tuntas.ombudsman.services_outcome import current_lahp
from tuntas.ombudsman.services_reporter import offered_agency_case_of
from tuntas.ombudsman.workflow import PAUSED_STATES, OmbudsmanState, Track
from tuntas.sla.models import DeadlineUnit


@dataclass(frozen=True)
class OmbudsmanPanel:
    case: OmbudsmanCase | None
    offered: bool  # the agency offered the report to the Ombudsman; the reporter may take it
    stage_label: Any = ""
    fast_track: bool = False
    due_on: datetime.date | None = None
    days_left: int | None = None
    calendar_days: bool = False
    overdue: bool = False
    paused_reason: Any = ""
    completeness: CompletenessRequest | None = None
    lahp: Lahp | None = None  # a draft waiting for the reporter's response
    lahp_conclusion: Any = ""
    can_respond: bool = False
    can_withdraw: bool = False
    closed: bool = False
    closure_reason: Any = ""
    closure_note: str = ""


def _days_left(case: OmbudsmanCase, today: datetime.date) -> tuple[int, bool]:
    due = case.due_on
    assert due is not None  # noqa: S101 - callers check
    calendar_days = bool(case.stage) and (
        clock.policy(case, case.stage).unit == DeadlineUnit.CALENDAR_DAYS
    )
    if due < today:
        return 0, calendar_days
    if calendar_days:
        return (due - today).days, True
    return clock.office_calendar(case).working_days_between(today, due), False


def ombudsman_panel_for(*, report: Report, today: datetime.date) -> OmbudsmanPanel | None:
    """None when the report has nothing to do with the Ombudsman."""
    case = OmbudsmanCase.objects.filter(report=report).select_related("office").first()
    if case is None:
        offered = offered_agency_case_of(report) is not None
        return OmbudsmanPanel(case=None, offered=True) if offered else None
    state = OmbudsmanState(case.state)
    if not case.is_open:
        return OmbudsmanPanel(
            case=case,
            offered=False,
            stage_label=state.label,
            closed=True,
            closure_reason=case.get_closure_reason_display(),
            closure_note=case.closure_note,
        )
    completeness = None
    if state == OmbudsmanState.COMPLETENESS_REQUESTED:
        completeness = case.completeness_requests.filter(
            answered_on__isnull=True, lapsed_on__isnull=True
        ).first()
    lahp = current_lahp(case) if state == OmbudsmanState.LAHP_DRAFT else None
    due_on = case.due_on
    days_left, calendar_days = _days_left(case, today) if due_on is not None else (None, False)
    return OmbudsmanPanel(
        case=case,
        offered=False,
        stage_label=state.label,
        fast_track=case.track == Track.RCO,
        due_on=completeness.due_on if completeness is not None else due_on,
        days_left=days_left,
        calendar_days=calendar_days,
        overdue=due_on is not None and due_on < today,
        paused_reason=PAUSED_STATES.get(state, "") if case.paused_on is not None else "",
        completeness=completeness,
        lahp=lahp,
        lahp_conclusion=Conclusion(lahp.conclusion).label if lahp is not None else "",
        can_respond=lahp is not None
        and lahp.responded_on is None
        and today <= lahp.response_due_on,
        can_withdraw=True,
    )
