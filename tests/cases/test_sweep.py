"""The deadline sweep reminds, escalates, offers to the Ombudsman, and never does it twice."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from tests.cases.test_agency_track import TUESDAY
from tests.complaints.test_report_submit import draft_for
from tuntas.audit.models import AuditEvent
from tuntas.cases.models import AgencyCase
from tuntas.cases.sweep import sla_sweep
from tuntas.complaints.services_intake import report_submit
from tuntas.notifications.models import Notification
from tuntas.notifications.services import notification_text
from tuntas.sla.services import holidays_import


@pytest.fixture
def case(region):
    holidays_import(year=2026)
    with time_machine.travel(TUESDAY, tick=False):
        submitted = report_submit(
            draft=draft_for(region, identity_mode="anonim", consent=False), channel="web"
        )
    return AgencyCase.objects.get(report=submitted.report)


def staff_mail_count() -> int:
    return Notification.objects.filter(channel="email").count()


def test_a_reminder_goes_out_the_working_day_before_and_only_once(case, region):
    assert case.due_on == datetime.date(2026, 3, 13)
    assert sla_sweep(today=datetime.date(2026, 3, 11)).reminded == 0
    first = sla_sweep(today=datetime.date(2026, 3, 12))
    sent = staff_mail_count()
    second = sla_sweep(today=datetime.date(2026, 3, 12))
    assert (first.reminded, second.reminded) == (1, 0)
    assert sent >= 1 and staff_mail_count() == sent
    assert AuditEvent.objects.filter(action="case.reminder_sent").count() == 1


def test_an_overdue_case_is_escalated_to_the_head_once(case, region):
    with time_machine.travel(datetime.datetime(2026, 3, 16, 8, tzinfo=datetime.UTC), tick=False):
        first = sla_sweep(today=datetime.date(2026, 3, 16))
        second = sla_sweep(today=datetime.date(2026, 3, 16))
    case.refresh_from_db()
    assert (first.escalated, second.escalated) == (1, 0)
    assert case.state == "escalated"
    event = AuditEvent.objects.get(action="case.escalate")
    assert event.actor is None and event.data["reason"] == "overdue"
    head_mail = Notification.objects.filter(
        subject__contains=case.report.public_number, channel="email"
    )
    assert head_mail.exists()


def test_an_escalation_left_overdue_is_offered_to_the_reporter_as_an_ombudsman_report(case):
    with time_machine.travel(datetime.datetime(2026, 3, 16, 8, tzinfo=datetime.UTC), tick=False):
        sla_sweep(today=datetime.date(2026, 3, 16))
    case.refresh_from_db()
    later = case.due_on + datetime.timedelta(days=1)
    with time_machine.travel(
        datetime.datetime.combine(later, datetime.time(8), tzinfo=datetime.UTC), tick=False
    ):
        result = sla_sweep(today=later)
        again = sla_sweep(today=later)
    case.refresh_from_db()
    assert (result.offered_to_ombudsman, again.offered_to_ombudsman) == (1, 0)
    assert case.state == "offered_to_ombudsman"


def test_a_paused_case_is_neither_reminded_nor_escalated(case, region):
    from tuntas.cases.services import case_request_information

    case_request_information(
        case=case, actor=region.admin_magelang, expected_version=case.version, question="Foto?"
    )
    result = sla_sweep(today=datetime.date(2026, 4, 30))
    assert (result.reminded, result.escalated) == (0, 0)


def test_the_command_reports_what_it_did_and_refuses_a_bad_date(case, capsys):
    call_command("sla_sweep", "--date", "2026-03-12")
    assert "Reminded 1" in capsys.readouterr().out
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="2026-03-25"):
        call_command("sla_sweep", "--date", "kemarin")


def test_several_reports_due_reach_each_person_in_one_email_per_chunk(case, region):
    with time_machine.travel(TUESDAY, tick=False):
        for _ in range(2):
            report_submit(
                draft=draft_for(region, identity_mode="anonim", consent=False), channel="web"
            )
    with translation.override("en"):
        result = sla_sweep(today=datetime.date(2026, 3, 12))
    assert result.reminded == 3
    mails = list(Notification.objects.filter(channel="email"))
    assert len(mails) == 1  # only the institution administrator is responsible here
    assert mails[0].subject == "3 reports are due soon"
    assert notification_text(mails[0]).count("is due on 2026-03-13") == 3
    assert AuditEvent.objects.filter(action="case.reminder_sent").count() == 3


def test_a_sweep_in_small_chunks_does_the_same_work_once(case, region):
    with time_machine.travel(TUESDAY, tick=False):
        for _ in range(4):
            report_submit(
                draft=draft_for(region, identity_mode="anonim", consent=False), channel="web"
            )
    with time_machine.travel(datetime.datetime(2026, 3, 16, 8, tzinfo=datetime.UTC), tick=False):
        first = sla_sweep(today=datetime.date(2026, 3, 16), chunk_size=2)
        again = sla_sweep(today=datetime.date(2026, 3, 16), chunk_size=2)
    assert (first.escalated, again.escalated) == (5, 0)
    assert AgencyCase.objects.filter(state="escalated").count() == 5
    assert AuditEvent.objects.filter(action="case.escalate").count() == 5
