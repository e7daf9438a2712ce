"""Intake into the Ombudsman track from every source."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.cases.test_agency_track import TUESDAY as AGENCY_TUESDAY
from tests.complaints.test_report_submit import draft_for
from tests.ombudsman.helpers import at, ombudsman_case
from tuntas.audit import registry
from tuntas.audit.models import AuditEvent
from tuntas.cases import services as agency
from tuntas.cases.models import AgencyCase
from tuntas.complaints.models import Category, Report
from tuntas.complaints.selectors import report_public_timeline
from tuntas.complaints.services_intake import report_submit
from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.ombudsman.services import (
    ombudsman_case_from_agency,
    ombudsman_case_open,
    ombudsman_own_initiative_open,
)
from tuntas.sla.services import holidays_import


@pytest.fixture(autouse=True)
def holidays(db):
    holidays_import(year=2026)


def test_a_report_to_the_ombudsman_opens_its_case_at_the_supervising_office_and_no_agency_case(
    region,
):
    case = ombudsman_case(region)
    assert case.office == region.jateng
    assert case.report.institution == region.magelang  # the reported party
    assert case.state == "received" and case.source == "direct" and case.track == "regular"
    assert not AgencyCase.objects.filter(report=case.report).exists()
    # 14 working days of formal verification from Tue 10 Mar, over Nyepi and Lebaran.
    assert case.stage == "ombudsman.formal_verification"
    assert case.due_on == datetime.date(2026, 4, 7)  # Good Friday 3 Apr is off too
    event = AuditEvent.objects.get(action="ombudsman.opened")
    assert event.institution_id == region.jateng.pk


def test_the_reporters_timeline_shows_that_the_ombudsman_received_the_report(region):
    case = ombudsman_case(region)
    actions = [event.action for event, _label in report_public_timeline(report=case.report)]
    assert "ombudsman.opened" in actions


def test_a_referral_is_recorded_as_such_with_its_history(region):
    case = ombudsman_case(region, source="referral", history="Diteruskan dari LAPOR! #123")
    assert case.source == "referral"
    assert "LAPOR! #123" in case.history


def test_an_unknown_source_is_refused_and_nothing_is_saved(region):
    with pytest.raises(ValidationError) as error:
        ombudsman_case(region, source="rumour")
    assert "source" in error.value.message_dict
    assert not Report.objects.exists()


def test_an_rco_case_needs_its_criterion(region):
    with pytest.raises(ValidationError) as error:
        ombudsman_case(region, track="rco")
    assert "rco_criterion" in error.value.message_dict
    case = ombudsman_case(region, track="rco", rco_criterion="keselamatan_jiwa")
    assert case.stage == "ombudsman.rco.verification"
    assert case.due_on == datetime.date(2026, 3, 11)


def test_an_own_initiative_investigation_has_an_anonymous_staff_entered_report(region):
    with at(10):
        case = ombudsman_own_initiative_open(
            actor=region.asisten_andi,
            institution=region.magelang,
            unit=region.magelang_pupr,
            category=Category.objects.get(slug="kesehatan"),
            title="Drainase Jalan Tidar tidak diperbaiki",
            description="Pantauan media: saluran air rusak sejak tiga bulan tanpa tindak lanjut dinas.",
        )
    assert case.source == "own_initiative"
    report = case.report
    assert report.identity_mode == "anonim" and report.entered_by == region.asisten_andi
    assert report.channel == "walk_in"
    assert not hasattr(report, "identity") or report.identity is None


def test_an_escalated_agency_case_ends_referred_to_the_ombudsman_with_its_history(region):

    with time_machine.travel(AGENCY_TUESDAY, tick=False):
        submitted = report_submit(draft=draft_for(region), channel="web")
        agency_case = AgencyCase.objects.get(report=submitted.report)
        agency.case_reject(
            case=agency_case,
            actor=region.admin_magelang,
            expected_version=agency_case.version,
            reason="Bukan kewenangan",
        )
    # A rejected case cannot be taken: only one offered to the Ombudsman.
    with pytest.raises(ValidationError):
        ombudsman_case_from_agency(agency_case=agency_case, actor=None)

    with time_machine.travel(AGENCY_TUESDAY, tick=False):
        other = report_submit(draft=draft_for(region, title="Kedua"), channel="web")
        second = AgencyCase.objects.get(report=other.report)
        agency.case_escalate(case=second, actor=None, reason="overdue")
        agency.case_offer_to_ombudsman(case=second)
        case = ombudsman_case_from_agency(agency_case=second, actor=region.asisten_andi)
    second.refresh_from_db()
    assert second.state == "referred_to_ombudsman" and second.closed_at is not None
    assert case.source == "escalated" and case.agency_case == second
    assert "Pemerintah Kota Magelang" in case.history
    assert str(registry.get("case.escalate").label) in case.history
    assert AuditEvent.objects.filter(action="case.refer_to_ombudsman").count() == 1


def test_a_report_has_only_one_ombudsman_case(region):
    case = ombudsman_case(region)
    with pytest.raises((IntegrityError, ValidationError)), transaction.atomic():
        ombudsman_case_open(report=case.report, source="direct", actor=None)
    assert OmbudsmanCase.objects.count() == 1
