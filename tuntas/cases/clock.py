"""The deadline clock of an agency case: start a stage, pause it, resume it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from tuntas.cases.models import AgencyCase, Complexity
from tuntas.cases.workflow import AgencyState
from tuntas.sla.calendar import Paused, WorkingCalendar
from tuntas.sla.services import calendar_for, deadline_policy_for, due_date

S = AgencyState


def stage_for(state: str, complexity: str) -> str | None:
    """Which deadline policy runs in a state (None: no clock, e.g. waiting for the reporter)."""
    if state in (S.RECEIVED, S.VERIFIED):
        return "agency.verification"
    if state in (S.DISPOSITIONED, S.IN_FOLLOW_UP, S.AWAITING_APPROVAL):
        return f"agency.resolution.{complexity or Complexity.SIMPLE}"
    if state in (S.ESCALATED, S.DISPUTED):
        return "agency.follow_up"
    return None


# While a batch job (the sweep) runs, calendars and policies are looked up once per key.
_lookups: ContextVar[dict[Any, Any] | None] = ContextVar("tuntas_clock_lookups", default=None)


@contextmanager
def lookups_cached(memo: dict[Any, Any] | None = None) -> Iterator[None]:
    """Within the block, each region's calendar and each stage's policy is read once.

    ``memo`` keeps what was read for a later block: a submission reads its case's calendar
    before its transaction and uses it inside (report_prepare).
    """
    token = _lookups.set({} if memo is None else memo)
    try:
        yield
    finally:
        _lookups.reset(token)


def _cached(key: tuple[Any, ...], read: Any) -> Any:
    memo = _lookups.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def case_calendar(case: AgencyCase) -> WorkingCalendar:
    region_code = case.institution.region_code
    return _cached(("calendar", region_code), lambda: calendar_for(region_code=region_code))


def _policy(stage: str, case: AgencyCase) -> Any:
    return _cached(
        ("policy", stage, case.institution_id),
        lambda: deadline_policy_for(stage=stage, institution=case.institution),
    )


def lookups_for_new_case(*, institution: Any) -> None:
    """Read what opening a case for ``institution`` needs, into the enclosing lookups_cached()."""
    case = AgencyCase(institution=institution)
    case_calendar(case)
    stage = stage_for(S.RECEIVED, case.complexity)
    if stage is not None:
        _policy(stage, case)


def start_stage(case: AgencyCase, *, stage: str | None, today: datetime.date) -> None:
    case.stage = stage or ""
    case.stage_started_on = today
    case.pauses = []
    case.paused_on = None
    case.remaining_when_paused = None
    case.reminded_for = None
    case.escalated_for = None
    if stage is None:
        case.due_on = None
        return
    calendar = case_calendar(case)
    policy = _policy(stage, case)
    due = due_date(policy=policy, start=today, calendar=calendar)
    case.due_on = None if isinstance(due, Paused) else due
    case.calendar_version = calendar.version


def pause(case: AgencyCase, *, today: datetime.date) -> None:
    if case.paused_on is not None or case.due_on is None:
        return
    calendar = case_calendar(case)
    case.remaining_when_paused = max(calendar.working_days_between(today, case.due_on), 0)
    case.paused_on = today
    case.due_on = None


def resume(case: AgencyCase, *, today: datetime.date) -> None:
    if case.paused_on is None:
        return
    calendar = case_calendar(case)
    remaining = case.remaining_when_paused or 0
    case.pauses = [*case.pauses, [case.paused_on.isoformat(), today.isoformat()]]
    case.due_on = calendar.add_working_days(today, remaining) if remaining else today
    case.paused_on = None
    case.remaining_when_paused = None
    case.calendar_version = calendar.version
    case.reminded_for = None
    case.escalated_for = None


def working_days_left(case: AgencyCase, *, today: datetime.date) -> int | None:
    if case.due_on is None:
        return case.remaining_when_paused
    return case_calendar(case).working_days_between(today, case.due_on)
