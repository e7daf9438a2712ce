"""The deadline clock of an Ombudsman case: every date comes from tuntas.sla."""

from __future__ import annotations

import datetime

from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.ombudsman.workflow import stage_for
from tuntas.sla.calendar import Paused, WorkingCalendar
from tuntas.sla.models import DeadlinePolicy, DeadlineUnit
from tuntas.sla.services import calendar_for, deadline_policy_for, due_date


def office_calendar(case: OmbudsmanCase) -> WorkingCalendar:
    return calendar_for(region_code=case.office.region_code)


def policy(case: OmbudsmanCase, stage: str) -> DeadlinePolicy:
    return deadline_policy_for(stage=stage, institution=case.office)


def deadline(case: OmbudsmanCase, *, stage: str, start: datetime.date) -> datetime.date:
    """The due day of ``stage`` started on ``start`` by the case's office (its override or the default)."""
    due = due_date(policy=policy(case, stage), start=start, calendar=office_calendar(case))
    if isinstance(due, Paused):  # only a clock with pauses can be paused; this one has none
        raise ValueError(f"stage {stage!r} has no due day")
    return due


def start_stage(case: OmbudsmanCase, *, today: datetime.date, stage: str | None = None) -> None:
    stage = stage if stage is not None else stage_for(case.state, case.track)
    case.stage = stage or ""
    case.stage_started_on = today
    case.pauses = []
    case.paused_on = None
    case.remaining_when_paused = None
    case.escalated_for = None
    if not stage:
        case.due_on = None
        return
    case.due_on = deadline(case, stage=stage, start=today)
    case.calendar_version = office_calendar(case).version


def _counts_calendar_days(case: OmbudsmanCase) -> bool:
    return bool(case.stage) and policy(case, case.stage).unit == DeadlineUnit.CALENDAR_DAYS


def pause(case: OmbudsmanCase, *, today: datetime.date) -> None:
    """Stop the stage clock (waiting for the reporter), keeping what is left of it."""
    if case.paused_on is not None or case.due_on is None:
        return
    if _counts_calendar_days(case):
        left = (case.due_on - today).days
    else:
        left = office_calendar(case).working_days_between(today, case.due_on)
    case.remaining_when_paused = max(left, 0)
    case.paused_on = today
    case.due_on = None


def resume(case: OmbudsmanCase, *, today: datetime.date) -> None:
    if case.paused_on is None:
        return
    remaining = case.remaining_when_paused or 0
    calendar = office_calendar(case)
    case.pauses = [*case.pauses, [case.paused_on.isoformat(), today.isoformat()]]
    if _counts_calendar_days(case):
        case.due_on = today + datetime.timedelta(days=remaining)
    else:
        case.due_on = calendar.add_working_days(today, remaining) if remaining else today
    case.paused_on = None
    case.remaining_when_paused = None
    case.calendar_version = calendar.version
    case.escalated_for = None
