"""Reads of the officer's workspace: timelines, counts, the people and texts to choose from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from tuntas.accounts.models import Membership, Role, User
from tuntas.audit.models import AuditEvent
from tuntas.audit.registry import get as audit_action
from tuntas.cases.models import AgencyCase, CannedResponse, CaseMessage, MessageKind
from tuntas.cases.workflow import OPEN_STATES, AgencyState

S = AgencyState


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str  # "event" | one of MessageKind
    who: str
    text: str
    detail: str = ""


def _report_events(case: AgencyCase) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        object_type="complaints.report", object_id=str(case.report_id)
    ).select_related("actor")


def case_timeline(case: AgencyCase) -> list[TimelineEntry]:
    """Audit events and messages of ``case`` in the order they happened (two queries)."""
    entries = []
    for event in _report_events(case).filter(action__startswith="case.").order_by("sequence"):
        try:
            label = str(audit_action(event.action).label)
        except KeyError:
            label = event.action
        detail = " ".join(str(event.data[key]) for key in ("reason", "note") if event.data.get(key))
        entries.append(
            TimelineEntry(
                at=event.occurred_at,
                kind="event",
                who=event.actor.full_name if event.actor else "",
                text=label,
                detail=detail,
            )
        )
    for message in CaseMessage.objects.filter(case=case).select_related("author"):
        entries.append(
            TimelineEntry(
                at=message.created_at,
                kind=message.kind,
                who=message.author.full_name if message.author else "",
                text=message.body,
            )
        )
    return sorted(entries, key=lambda entry: entry.at)


def case_internal_notes(case: AgencyCase) -> QuerySet[CaseMessage]:
    return CaseMessage.objects.filter(case=case, kind=MessageKind.INTERNAL_NOTE).select_related(
        "author"
    )


@dataclass(frozen=True)
class LastChange:
    who: str
    at: datetime.datetime | None


def case_last_change(case: AgencyCase) -> LastChange:
    """Who changed the case last, and when (for the conflict message)."""
    event = _report_events(case).filter(action__startswith="case.").order_by("-sequence").first()
    if event is None:
        return LastChange("", None)
    who = event.actor.full_name if event.actor else ""
    return LastChange(who or event.actor_label, event.occurred_at)


def canned_responses_for(institution_id: int) -> QuerySet[CannedResponse]:
    return CannedResponse.objects.filter(
        Q(institution_id=institution_id) | Q(institution__isnull=True), is_active=True
    )


def officers_for(institution_id: int) -> QuerySet[User]:
    """Staff who can be assigned a case of the institution."""
    return (
        User.objects.filter(
            pk__in=Membership.objects.active()
            .filter(institution_id=institution_id, role__in=[Role.OFFICER, Role.HEAD])
            .values("user_id")
        )
        .filter(is_active=True)
        .order_by("full_name", "pk")
    )


@dataclass(frozen=True)
class DeadlineCounts:
    open: int
    due_today: int
    overdue: int
    awaiting_approval: int = 0
    paused: int = 0


def _count_expressions(today: datetime.date) -> dict[str, Any]:
    open_states = sorted(OPEN_STATES)
    return {
        "open": Count("pk", filter=Q(state__in=open_states)),
        "due_today": Count("pk", filter=Q(state__in=open_states, due_on=today)),
        "overdue": Count("pk", filter=Q(state__in=open_states, due_on__lt=today)),
        "awaiting_approval": Count("pk", filter=Q(state=S.AWAITING_APPROVAL)),
        "paused": Count("pk", filter=Q(state__in=open_states, due_on__isnull=True)),
    }


def cases_deadline_counts(cases: QuerySet[AgencyCase], *, today: datetime.date) -> DeadlineCounts:
    """Open, due-today, overdue, awaiting-approval and paused counts of ``cases``.

    Five COUNTs rather than one aggregate with FILTERs: each is answered from the
    (institution or unit, state, due_on) index alone, without reading the rows, which at a
    hundred thousand cases is some 30 times faster.
    """
    open_cases = cases.filter(state__in=sorted(OPEN_STATES))
    return DeadlineCounts(
        open=open_cases.count(),
        due_today=open_cases.filter(due_on=today).count(),
        overdue=open_cases.filter(due_on__lt=today).count(),
        awaiting_approval=cases.filter(state=S.AWAITING_APPROVAL).count(),
        paused=open_cases.filter(due_on__isnull=True).count(),
    )


def cases_counts_by_unit(
    cases: QuerySet[AgencyCase], *, today: datetime.date
) -> list[dict[str, Any]]:
    """One row per unit (None: not yet assigned to a unit) with the deadline counts."""
    return list(
        cases.filter(state__in=sorted(OPEN_STATES))
        .values("unit_id", "unit__name")
        .annotate(**_count_expressions(today))
        .order_by("unit__name", "unit_id")
    )
