"""The periodic deadline sweep: remind before a deadline, escalate after it, never twice.

Each case remembers the due date it was last reminded or escalated for (``reminded_for``,
``escalated_for``); a second run on the same day finds nothing left to do.

The work goes in chunks of cases, one transaction each, in the order institution → unit →
case: the marks, the audit events (one per case) and the e-mails commit together, and each
person gets one e-mail per chunk listing their reports instead of one e-mail per report.
A million open cases then cost a few hundred commits instead of tens of thousands.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.accounts.models import Membership, Role
from tuntas.audit.services import audit_batch, audit_record
from tuntas.cases import clock
from tuntas.cases.models import AgencyCase
from tuntas.cases.services import case_escalate, case_offer_to_ombudsman
from tuntas.cases.workflow import OPEN_STATES, AgencyState
from tuntas.notifications.models import NotificationChannel
from tuntas.notifications.services import notification_queue
from tuntas.sla.calendar import WorkingCalendar
from tuntas.sla.services import calendar_for

REMIND_WORKING_DAYS_BEFORE = 1
CHUNK_SIZE = 500
S = AgencyState
STAFF_ROLES = (Role.OFFICER, Role.INSTITUTION_ADMIN)
HEAD_ROLES = (Role.HEAD,)


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0
    offered_to_ombudsman: int = 0
    errors: list[str] = field(default_factory=list)


class _Context:
    """What one sweep looks up once: calendars per region, recipients per unit and role."""

    def __init__(self) -> None:
        self.calendars: dict[str, WorkingCalendar] = {}
        self.recipients: dict[tuple[int, int | None, tuple[str, ...]], frozenset[str]] = {}

    def calendar(self, region_code: str) -> WorkingCalendar:
        if region_code not in self.calendars:
            self.calendars[region_code] = calendar_for(region_code=region_code)
        return self.calendars[region_code]

    def people(self, case: AgencyCase, roles: tuple[str, ...]) -> set[str]:
        key = (case.institution_id, case.unit_id if Role.OFFICER in roles else None, roles)
        if key not in self.recipients:
            memberships = Membership.objects.active().filter(role__in=roles)
            if Role.OFFICER in roles and case.unit_id is not None:
                memberships = memberships.filter(
                    Q(unit_id=case.unit_id) | Q(institution_id=case.institution_id, unit=None)
                )
            else:
                memberships = memberships.filter(institution_id=case.institution_id)
            self.recipients[key] = frozenset(memberships.values_list("user__email", flat=True))
        emails = set(self.recipients[key])
        if case.assigned_to_id is not None and case.assigned_to is not None:
            emails.add(case.assigned_to.email)
        return emails


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _send_digests(
    digests: dict[str, list[AgencyCase]], *, single: str, several: str, line: str
) -> None:
    """One e-mail per person: the subject names the report when there is only one."""
    for email, cases in sorted(digests.items()):
        first = cases[0]
        if len(cases) == 1:
            subject = single % {"number": first.report.public_number, "date": first.due_on}
        else:
            subject = several % {"count": len(cases)}
        lines = [
            line % {"number": case.report.public_number, "date": case.due_on} for case in cases
        ]
        notification_queue(
            channel=NotificationChannel.EMAIL,
            to=email,
            subject=subject,
            body="\n".join(lines) + "\n\n" + _("Please act on them in Tuntas."),
            report_id=first.report_id if len(cases) == 1 else None,
            institution_id=first.institution_id,
        )


def cases_due_for_reminder(*, today: datetime.date) -> QuerySet[AgencyCase]:
    # A cheap pre-filter; the exact number of working days is checked per case.
    horizon = today + datetime.timedelta(days=7)
    return AgencyCase.objects.filter(
        state__in=sorted(OPEN_STATES - {S.INFO_REQUESTED}), due_on__gte=today, due_on__lte=horizon
    ).exclude(reminded_for=F("due_on"))


def cases_overdue(*, today: datetime.date) -> QuerySet[AgencyCase]:
    return AgencyCase.objects.filter(
        state__in=sorted(OPEN_STATES - {S.INFO_REQUESTED}), due_on__lt=today
    ).exclude(escalated_for=F("due_on"))


def _locked_chunk(ids: list[int]) -> list[AgencyCase]:
    return list(
        AgencyCase.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("institution", "report", "assigned_to")
        .order_by("institution_id", "unit_id", "pk")
    )


def _remind(ids: list[int], *, today: datetime.date, context: _Context) -> int:
    digests: dict[str, list[AgencyCase]] = defaultdict(list)
    reminded = []
    with transaction.atomic(), audit_batch():
        for case in _locked_chunk(ids):
            if (
                case.due_on is None
                or case.reminded_for == case.due_on
                or case.state == S.INFO_REQUESTED
                or case.state not in OPEN_STATES
            ):
                continue
            calendar = context.calendar(case.institution.region_code)
            if calendar.working_days_between(today, case.due_on) > REMIND_WORKING_DAYS_BEFORE:
                continue
            reminded.append(case)
            audit_record(
                actor=None,
                action="case.reminder_sent",
                obj=case.report,
                institution_id=case.institution_id,
                data={"case_id": case.pk, "due_on": case.due_on, "trigger": "sla"},
            )
            for email in context.people(case, STAFF_ROLES):
                digests[email].append(case)
        AgencyCase.objects.filter(pk__in=[case.pk for case in reminded]).update(
            reminded_for=F("due_on")
        )
        _send_digests(
            digests,
            single=_("Report %(number)s is due on %(date)s"),
            several=_("%(count)d reports are due soon"),
            line=_("Report %(number)s is due on %(date)s."),
        )
    return len(reminded)


def _escalate(ids: list[int], *, today: datetime.date, context: _Context) -> tuple[int, int]:
    digests: dict[str, list[AgencyCase]] = defaultdict(list)
    escalated = offered = 0
    with transaction.atomic(), audit_batch():
        for case in _locked_chunk(ids):
            if case.escalated_for == case.due_on or case.due_on is None or case.due_on >= today:
                continue
            if case.state not in OPEN_STATES or case.state == S.INFO_REQUESTED:
                continue
            missed = case.due_on
            if case.state == S.ESCALATED:
                # The head let the escalation deadline pass too: the reporter may go to the Ombudsman.
                case_offer_to_ombudsman(case=case, already_locked=True)
                offered += 1
            else:
                case_escalate(case=case, actor=None, reason="overdue", already_locked=True)
                escalated += 1
                late = AgencyCase(
                    report=case.report, institution_id=case.institution_id, due_on=missed
                )
                for email in context.people(case, HEAD_ROLES):
                    digests[email].append(late)
            AgencyCase.objects.filter(pk=case.pk).update(escalated_for=missed)
        _send_digests(
            digests,
            single=_("Report %(number)s is overdue"),
            several=_("%(count)d reports are overdue and escalated to you"),
            line=_("Report %(number)s passed its deadline of %(date)s and is escalated to you."),
        )
    return escalated, offered


def _reminder_candidates(*, today: datetime.date, context: _Context) -> list[int]:
    """Cases due within REMIND_WORKING_DAYS_BEFORE working days, judged from three columns.

    The calendar-day pre-filter lets through a week of due dates; reading only (id, due date,
    region) and judging them here keeps the rows locked and loaded to those that need a
    reminder.
    """
    rows = (
        cases_due_for_reminder(today=today)
        .order_by("institution_id", "unit_id", "pk")
        .values_list("pk", "due_on", "institution__region_code")
    )
    return [
        pk
        for pk, due_on, region_code in rows.iterator(chunk_size=5000)
        if due_on is not None
        and context.calendar(region_code).working_days_between(today, due_on)
        <= REMIND_WORKING_DAYS_BEFORE
    ]


def sla_sweep(*, today: datetime.date | None = None, chunk_size: int = CHUNK_SIZE) -> SweepResult:
    today = today or timezone.localdate()
    result = SweepResult()
    context = _Context()
    with clock.lookups_cached():
        for ids in _chunks(_reminder_candidates(today=today, context=context), chunk_size):
            result.reminded += _remind(ids, today=today, context=context)
        late = (
            cases_overdue(today=today)
            .order_by("institution_id", "unit_id", "pk")
            .values_list("pk", flat=True)
        )
        for ids in _chunks(list(late), chunk_size):
            escalated, offered = _escalate(ids, today=today, context=context)
            result.escalated += escalated
            result.offered_to_ombudsman += offered
    return result
