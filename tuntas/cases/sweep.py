"""The periodic deadline sweep: remind before a deadline, escalate after it, never twice.

Each case remembers the due date it was last reminded or escalated for (``reminded_for``,
``escalated_for``); a second run on the same day finds nothing left to do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.accounts.models import Membership, Role
from tuntas.audit.services import audit_record
from tuntas.cases import clock
from tuntas.cases.models import AgencyCase
from tuntas.cases.services import case_escalate, case_offer_to_ombudsman
from tuntas.cases.workflow import OPEN_STATES, AgencyState
from tuntas.notifications.models import NotificationChannel
from tuntas.notifications.services import notification_queue

REMIND_WORKING_DAYS_BEFORE = 1
S = AgencyState


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0
    offered_to_ombudsman: int = 0
    errors: list[str] = field(default_factory=list)


def _recipients(case: AgencyCase, roles: tuple[str, ...]) -> list[str]:
    memberships = Membership.objects.active().filter(role__in=roles).select_related("user")
    if Role.OFFICER in roles and case.unit_id is not None:
        memberships = memberships.filter(
            Q(unit_id=case.unit_id) | Q(institution_id=case.institution_id, unit=None)
        )
    else:
        memberships = memberships.filter(institution_id=case.institution_id)
    emails = {membership.user.email for membership in memberships}
    if case.assigned_to_id is not None:
        emails.add(case.assigned_to.email)  # type: ignore[union-attr]
    return sorted(emails)


def _notify_staff(case: AgencyCase, roles: tuple[str, ...], subject: str, body: str) -> None:
    for email in _recipients(case, roles):
        notification_queue(
            channel=NotificationChannel.EMAIL,
            to=email,
            subject=subject,
            body=body,
            report_id=case.report_id,
            institution_id=case.institution_id,
        )


def cases_due_for_reminder(*, today: datetime.date) -> QuerySet[AgencyCase]:
    horizon = today + datetime.timedelta(
        days=7
    )  # a cheap pre-filter; exact working days checked per case
    return AgencyCase.objects.filter(
        state__in=sorted(OPEN_STATES - {S.INFO_REQUESTED}), due_on__gte=today, due_on__lte=horizon
    ).exclude(reminded_for=F("due_on"))


def cases_overdue(*, today: datetime.date) -> QuerySet[AgencyCase]:
    return AgencyCase.objects.filter(
        state__in=sorted(OPEN_STATES - {S.INFO_REQUESTED}), due_on__lt=today
    ).exclude(escalated_for=F("due_on"))


def sla_sweep(*, today: datetime.date | None = None) -> SweepResult:
    today = today or timezone.localdate()
    result = SweepResult()
    for case in (
        cases_due_for_reminder(today=today)
        .select_related("institution", "report", "assigned_to")
        .iterator()
    ):
        if clock.working_days_left(case, today=today) > REMIND_WORKING_DAYS_BEFORE:  # type: ignore[operator]
            continue
        with transaction.atomic():
            locked = AgencyCase.objects.select_for_update().get(pk=case.pk)
            if locked.reminded_for == locked.due_on or locked.due_on != case.due_on:
                continue
            locked.reminded_for = locked.due_on
            locked.save(update_fields=["reminded_for"])
            _notify_staff(
                case,
                (Role.OFFICER, Role.INSTITUTION_ADMIN),
                _("Report %(number)s is due on %(date)s")
                % {"number": case.report.public_number, "date": case.due_on},
                _("The deadline of report %(number)s is %(date)s. Please act on it in Tuntas.")
                % {"number": case.report.public_number, "date": case.due_on},
            )
            audit_record(
                actor=None,
                action="case.reminder_sent",
                obj=case.report,
                institution_id=case.institution_id,
                data={"case_id": case.pk, "due_on": case.due_on, "trigger": "sla"},
            )
        result.reminded += 1

    for case in (
        cases_overdue(today=today).select_related("institution", "report", "assigned_to").iterator()
    ):
        with transaction.atomic():
            locked = (
                AgencyCase.objects.select_for_update()
                .select_related("institution", "report")
                .get(pk=case.pk)
            )
            if (
                locked.escalated_for == locked.due_on
                or locked.due_on is None
                or locked.due_on >= today
            ):
                continue
            missed = locked.due_on
            if locked.state == S.ESCALATED:
                # The head let the escalation deadline pass too: the reporter may go to the Ombudsman.
                case_offer_to_ombudsman(case=locked)
                result.offered_to_ombudsman += 1
            else:
                case_escalate(case=locked, actor=None, reason="overdue")
                result.escalated += 1
                _notify_staff(
                    locked,
                    (Role.HEAD,),
                    _("Report %(number)s is overdue") % {"number": locked.report.public_number},
                    _("Report %(number)s passed its deadline of %(date)s and is escalated to you.")
                    % {"number": locked.report.public_number, "date": missed},
                )
            AgencyCase.objects.filter(pk=locked.pk).update(escalated_for=missed)
    return result
