"""The agency track, step by step, with its clock, its locks and its audit trail."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.complaints.test_report_submit import draft_for
from tuntas.audit.models import AuditEvent
from tuntas.cases import services
from tuntas.cases.access import cases_visible_to, steps_allowed_to
from tuntas.cases.models import AgencyCase
from tuntas.cases.services import CaseConflict
from tuntas.cases.workflow import InvalidTransition, allowed_transitions
from tuntas.complaints.services_intake import report_submit
from tuntas.institutions.services import institution_update
from tuntas.sla.services import holidays_import

TUESDAY = datetime.datetime(
    2026, 3, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
)


@pytest.fixture
def case(region):
    holidays_import(year=2026)
    with time_machine.travel(TUESDAY, tick=False):
        submitted = report_submit(draft=draft_for(region), channel="web")
    return AgencyCase.objects.get(report=submitted.report)


def verify_and_assign_to_dinkes(case, region):
    """The common start: the administrator verifies and assigns the case to Dinas Kesehatan."""
    services.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
    services.case_disposition(
        case=case,
        actor=region.admin_magelang,
        expected_version=case.version,
        unit=region.magelang_dinkes,
        note="",
        complexity="simple",
    )


def at(day: int):
    return time_machine.travel(TUESDAY.replace(day=day), tick=False)


def test_a_received_report_opens_a_case_due_in_three_working_days(case):
    assert case.state == "received"
    assert case.stage == "agency.verification"
    assert case.due_on == datetime.date(2026, 3, 13)
    assert AuditEvent.objects.filter(action="case.opened").exists()


def test_a_report_walks_the_track_to_the_reporters_confirmation(case, region):
    with at(11):
        services.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
        services.case_disposition(
            case=case,
            actor=region.admin_magelang,
            expected_version=case.version,
            unit=region.magelang_dinkes,
            note="Mohon ditindaklanjuti",
            complexity="simple",
        )
    assert case.state == "dispositioned"
    # Five working days from Wed 11 Mar: 12, 13, 16, 17, then Nyepi and Lebaran (18–24 Mar), then 25.
    assert case.due_on == datetime.date(2026, 3, 25)
    with at(12):
        services.case_disposition(
            case=case,
            actor=region.petugas_dinkes,
            expected_version=case.version,
            unit=region.magelang_puskesmas,
            note="Puskesmas Jurangombo",
            complexity=None,
        )
        services.case_draft_response(
            case=case,
            actor=region.petugas_dinkes,
            expected_version=case.version,
            text="Pasien sudah dilayani kembali.",
        )
        services.case_resolve(
            case=case,
            actor=region.petugas_dinkes,
            expected_version=case.version,
            summary="Petugas loket dibina; pasien dilayani.",
        )
        services.case_confirm(case=case)
    assert case.state == "confirmed"
    assert case.closed_at is not None and case.due_on is None
    actions = list(
        AuditEvent.objects.filter(action__startswith="case.").values_list("action", flat=True)
    )
    assert actions == [
        "case.opened",
        "case.verify",
        "case.disposition",
        "case.disposition",
        "case.draft_response",
        "case.resolve",
        "case.confirm",
    ]


def test_an_invalid_step_is_refused_listing_the_allowed_ones(case, region):
    with pytest.raises(InvalidTransition) as error:
        services.case_resolve(
            case=case, actor=region.admin_magelang, expected_version=case.version, summary="x"
        )
    assert error.value.allowed == allowed_transitions("received")
    assert "verify" in str(error.value) or "verifikasi" in str(error.value).lower()
    case.refresh_from_db()
    assert case.state == "received"


def test_a_second_officer_with_a_stale_copy_gets_a_conflict_and_overwrites_nothing(case, region):
    stale_version = case.version
    services.case_verify(case=case, actor=region.admin_magelang, expected_version=stale_version)
    other = AgencyCase.objects.get(pk=case.pk)
    with pytest.raises(CaseConflict):
        services.case_reject(
            case=other,
            actor=region.pimpinan_magelang,
            expected_version=stale_version,
            reason="Bukan kewenangan",
        )
    other.refresh_from_db()
    assert other.state == "verified" and other.rejection_reason == ""


def test_asking_the_reporter_pauses_the_clock_and_the_answer_resumes_it(case, region):
    with at(11):
        services.case_request_information(
            case=case,
            actor=region.admin_magelang,
            expected_version=case.version,
            question="Mohon lampirkan foto kartu BPJS.",
        )
    assert case.state == "info_requested"
    assert case.due_on is None and case.remaining_when_paused == 2
    with at(26):  # the reporter answers after Lebaran
        services.case_information_received(case=case, text="Foto terlampir.")
    assert case.state == "received"
    assert case.due_on == datetime.date(2026, 3, 30)  # 2 working days after Thu 26 Mar
    assert case.pauses == [["2026-03-11", "2026-03-26"]]


def test_a_rejection_needs_a_reason(case, region):
    with pytest.raises(ValidationError):
        services.case_reject(
            case=case, actor=region.admin_magelang, expected_version=case.version, reason=" "
        )


def test_a_transfer_hands_over_custody_and_both_trails_keep_it(case, region):
    services.case_transfer(
        case=case,
        actor=region.admin_magelang,
        expected_version=case.version,
        to_institution=region.purworejo,
        reason="Lokasi di Purworejo",
    )
    case.refresh_from_db()
    assert case.institution == region.purworejo
    assert case.report.institution == region.purworejo
    assert (
        cases_visible_to(region.petugas_purworejo).filter(pk=case.pk).exists() is False
    )  # no unit yet
    assert cases_visible_to(region.admin_magelang).filter(pk=case.pk).exists() is False
    trail = set(
        AuditEvent.objects.filter(
            action__in=["case.transfer", "case.transfer_received"]
        ).values_list("institution_id", flat=True)
    )
    assert trail == {region.magelang.pk, region.purworejo.pk}


def test_a_dispute_goes_to_the_head_and_then_to_the_ombudsman(case, region):
    verify_and_assign_to_dinkes(case, region)
    services.case_draft_response(
        case=case, actor=region.petugas_dinkes, expected_version=case.version, text="Sudah"
    )
    services.case_resolve(
        case=case, actor=region.petugas_dinkes, expected_version=case.version, summary="Selesai"
    )
    services.case_dispute(case=case, reason="Masih ditolak di loket")
    assert case.state == "disputed"
    services.case_offer_to_ombudsman(case=case)
    assert case.state == "offered_to_ombudsman"


def test_where_the_head_must_approve_an_officer_cannot_resolve_alone(case, region):
    institution_update(
        institution=region.magelang, actor=region.admin_rina, requires_head_approval=True
    )
    case.refresh_from_db()
    verify_and_assign_to_dinkes(case, region)
    services.case_draft_response(
        case=case, actor=region.petugas_dinkes, expected_version=case.version, text="Jawaban"
    )
    with pytest.raises(PermissionDenied):
        services.case_resolve(
            case=case, actor=region.petugas_dinkes, expected_version=case.version, summary="Selesai"
        )
    services.case_submit_for_approval(
        case=case, actor=region.petugas_dinkes, expected_version=case.version
    )
    with pytest.raises(PermissionDenied):
        services.case_resolve(
            case=case,
            actor=region.petugas_dinkes,
            expected_version=case.version,
            summary="Selesai",
            approved=True,
        )
    services.case_resolve(
        case=case,
        actor=region.pimpinan_magelang,
        expected_version=case.version,
        summary="Disetujui",
        approved=True,
    )
    assert case.state == "resolved"


def test_officers_may_take_officer_steps_only_on_their_units_cases(case, region):
    verify_and_assign_to_dinkes(case, region)
    assert "resolve" in steps_allowed_to(region.petugas_dinkes, case)
    assert steps_allowed_to(region.petugas_siti, case) == frozenset()
    assert "approve" in steps_allowed_to(region.pimpinan_magelang, case)
    assert "approve" not in steps_allowed_to(region.admin_magelang, case)
    assert steps_allowed_to(region.asisten_andi, case) == frozenset()
