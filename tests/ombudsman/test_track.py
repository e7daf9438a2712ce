"""The Ombudsman track from intake to closure, through each conclusion and the fast track."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.ombudsman.helpers import at, ombudsman_case
from tuntas.audit.models import AuditEvent
from tuntas.complaints.selectors import report_public_timeline
from tuntas.notifications.models import Notification
from tuntas.ombudsman import services_examination as exam
from tuntas.ombudsman import services_outcome as outcome
from tuntas.ombudsman import services_verification as verification
from tuntas.ombudsman.models import MaladministrationType, OmbudsmanCase, SubstanceCategory
from tuntas.ombudsman.services import CaseConflict, ombudsman_case_assign, ombudsman_case_hand_over
from tuntas.ombudsman.workflow import InvalidTransition, allowed_transitions
from tuntas.sla.models import DeadlinePolicy
from tuntas.sla.services import holidays_import


@pytest.fixture(autouse=True)
def holidays(db):
    holidays_import(year=2026)


def to_examination(case, actor):
    verification.ombudsman_formal_check_record(
        case=case,
        actor=actor,
        identity_confirmed=True,
        chronology_clear=True,
        prior_complaint=True,
        within_two_years=True,
    )
    verification.ombudsman_formal_verify(case=case, actor=actor, expected_version=case.version)
    verification.ombudsman_material_check_record(
        case=case,
        actor=actor,
        within_authority=True,
        not_before_court=True,
        not_already_reported=True,
        not_resolved=True,
        agency_time_passed=True,
    )
    verification.ombudsman_material_verify(case=case, actor=actor, expected_version=case.version)
    verification.ombudsman_plenary_decide(
        case=case,
        actor=actor,
        expected_version=case.version,
        outcome="examine",
        held_on=datetime.date(2026, 3, 11),
        minutes="Rapat perwakilan memutuskan laporan diperiksa oleh Keasistenan Pemeriksaan.",
    )


def draft(case, actor, conclusion, region, **extra):
    items = extra.pop("corrective_actions", [])
    return outcome.ombudsman_lahp_draft(
        case=case,
        actor=actor,
        expected_version=case.version,
        conclusion=conclusion,
        summary="Pelapor ditolak di loket pendaftaran Puskesmas.",
        findings="Petugas tidak memeriksa status kepesertaan secara daring.",
        opinion="Terjadi penyimpangan prosedur pendaftaran.",
        substance=SubstanceCategory.objects.get(code="kesehatan"),
        corrective_actions=items,
        **extra,
    )


def test_a_case_with_maladministration_found_is_monitored_to_closure(region):
    andi = region.asisten_andi
    case = ombudsman_case(region)
    with at(11):
        to_examination(case, andi)
        assert case.state == "examination"
        assert case.stage == "ombudsman.examination"
        clarification = exam.ombudsman_clarification_request(
            case=case,
            actor=andi,
            expected_version=case.version,
            kind="written",
            questions="Mohon penjelasan prosedur pendaftaran pasien BPJS.",
        )
        # 14 calendar days (DeadlinePolicy ombudsman.clarification_answer).
        assert clarification.due_on == datetime.date(2026, 3, 25)
        assert clarification.addressed_to == region.magelang
    with at(16):
        exam.ombudsman_clarification_answer(
            clarification=clarification, actor=andi, answer="Petugas belum dilatih."
        )
        case.refresh_from_db()  # answering bumped the case's version, as a page reload would show
        with pytest.raises(ValidationError):
            draft(case, andi, "found", region)  # no type, no corrective action
        lahp = draft(
            case,
            andi,
            "found",
            region,
            maladministration_types=[
                MaladministrationType.objects.get(code="penyimpangan-prosedur")
            ],
            corrective_actions=[
                outcome.CorrectiveItem(
                    description="Melatih petugas loket tentang verifikasi kepesertaan BPJS.",
                    owner=region.magelang,
                    owner_detail="Kepala Dinas Kesehatan",
                )
            ],
        )
    assert case.state == "lahp_draft"
    assert lahp.response_due_on == datetime.date(2026, 3, 30)  # 14 days, PO 48/2020 Ps 25(5b)
    assert Notification.objects.filter(subject__contains="draft final report").exists()
    with at(20), pytest.raises(ValidationError):
        outcome.ombudsman_lahp_issue(
            case=case, actor=region.kepala_jateng, expected_version=case.version
        )
    with at(31):
        outcome.ombudsman_lahp_issue(
            case=case, actor=region.kepala_jateng, expected_version=case.version
        )
    assert case.state == "monitoring"
    action = lahp.corrective_actions.get()
    action.refresh_from_db()
    assert action.due_on == datetime.date(2026, 4, 30)  # 30 days from issue
    with at(15, month=4):
        with pytest.raises(ValidationError):
            outcome.ombudsman_monitoring_complete(
                case=case, actor=andi, expected_version=case.version
            )
        outcome.ombudsman_corrective_action_done(
            action=action, actor=andi, evidence="Daftar hadir pelatihan 14 April 2026."
        )
        case.refresh_from_db()
        outcome.ombudsman_monitoring_complete(case=case, actor=andi, expected_version=case.version)
    assert case.state == "closed" and case.closure_reason == "corrective_done"
    with translation.override("en"):
        labels = [str(label) for _event, label in report_public_timeline(report=case.report)]
    assert "The Ombudsman decided to examine the report" in labels
    assert Notification.objects.filter(subject__contains="is closed").exists()


def test_no_maladministration_found_closes_when_the_lahp_is_issued(region):
    case = ombudsman_case(region)
    with at(11):
        to_examination(case, region.asisten_andi)
        draft(case, region.asisten_andi, "not_found", region)
    with at(16):
        outcome.ombudsman_lahp_respond(case=case, response="Saya menerima kesimpulan ini.")
        outcome.ombudsman_lahp_issue(
            case=case, actor=region.kepala_jateng, expected_version=case.version
        )
    assert case.state == "closed" and case.closure_reason == "lahp_issued"
    assert case.lahps.get().issued_at is not None


def test_a_stopped_examination_can_be_reexamined_after_the_reporters_response(region):
    case = ombudsman_case(region)
    with at(11):
        to_examination(case, region.asisten_andi)
        first = draft(case, region.asisten_andi, "stopped", region)
    with at(12):
        outcome.ombudsman_lahp_respond(case=case, response="Ada bukti baru: foto antrean.")
        outcome.ombudsman_lahp_reexamine(
            case=case, actor=region.asisten_andi, expected_version=case.version, reason="Bukti baru"
        )
        assert case.state == "examination"
        first.refresh_from_db()
        assert first.superseded
        draft(case, region.asisten_andi, "stopped", region)
    with at(27):
        outcome.ombudsman_lahp_issue(
            case=case, actor=region.kepala_jateng, expected_version=case.version
        )
    assert case.state == "closed"
    assert case.lahps.count() == 2


def test_unfulfilled_corrective_actions_lead_to_a_recommendation_and_its_follow_up(region):
    case = ombudsman_case(region)
    with at(11):
        to_examination(case, region.asisten_andi)
        draft(
            case,
            region.asisten_andi,
            "found",
            region,
            maladministration_types=[MaladministrationType.objects.get(code="penundaan-berlarut")],
            corrective_actions=[
                outcome.CorrectiveItem(
                    description="Menerbitkan SOP pendaftaran.", owner=region.magelang
                )
            ],
        )
    with at(26):
        outcome.ombudsman_lahp_issue(
            case=case, actor=region.kepala_jateng, expected_version=case.version
        )
    with at(5, month=5):
        recommendation = outcome.ombudsman_recommendation_issue(
            case=case,
            actor=region.kepala_jateng,
            expected_version=case.version,
            addressee="Wali Kota Magelang",
            content="Memerintahkan Kepala Dinas Kesehatan menerbitkan SOP pendaftaran.",
        )
    assert case.state == "recommendation"
    assert recommendation.due_on == datetime.date(2026, 7, 4)  # 60 days, UU 37/2008 Ps 38(2)
    with at(1, month=7):
        outcome.ombudsman_recommendation_close(
            case=case,
            actor=region.kepala_jateng,
            expected_version=case.version,
            outcome="implemented",
            follow_up="SOP diterbitkan dengan Perwal.",
        )
    assert case.state == "closed" and case.closure_reason == "recommendation_followed_up"


def test_an_rco_case_takes_the_fast_track_with_its_short_deadlines(region):
    case = ombudsman_case(region, track="rco", rco_criterion="keselamatan_jiwa")
    with at(10):
        verification.ombudsman_rco_accept(
            case=case, actor=region.asisten_andi, expected_version=case.version
        )
        assert case.state == "examination"
        assert case.stage == "ombudsman.rco.examination"
        assert case.due_on == datetime.date(2026, 3, 17)  # 5 working days
        request = exam.ombudsman_clarification_request(
            case=case,
            actor=region.asisten_andi,
            expected_version=case.version,
            kind="direct",
            questions="Pasien kritis ditolak; mohon segera dilayani.",
        )
        assert request.due_on == datetime.date(2026, 3, 12)  # 2 working days
        verification.ombudsman_rco_resolve(
            case=case,
            actor=region.asisten_andi,
            expected_version=case.version,
            summary="Puskesmas melayani pasien pada hari yang sama.",
        )
    assert case.state == "closed" and case.closure_reason == "rco_resolved"


def test_a_regular_case_cannot_close_without_a_final_report(region):
    case = ombudsman_case(region)
    with at(11):
        to_examination(case, region.asisten_andi)
        with pytest.raises(ValidationError):
            verification.ombudsman_rco_resolve(
                case=case, actor=region.asisten_andi, expected_version=case.version, summary="x"
            )


def test_an_invalid_step_lists_the_allowed_ones(region):
    case = ombudsman_case(region)
    with pytest.raises(InvalidTransition) as error:
        verification.ombudsman_material_reject(
            case=case, actor=region.asisten_andi, expected_version=case.version, reason="x"
        )
    assert set(error.value.allowed) == set(allowed_transitions("received"))
    assert "formal_verify" in error.value.allowed
    with translation.override("en"):
        message = str(InvalidTransition("material_reject", "received"))
    assert "Possible next steps" in message and "pass the formal verification" in message


def test_a_stale_version_is_refused_and_nothing_changes(region):
    case = ombudsman_case(region)
    verification.ombudsman_formal_check_record(
        case=case,
        actor=region.asisten_andi,
        identity_confirmed=True,
        chronology_clear=True,
        prior_complaint=True,
        within_two_years=True,
    )
    read_by_andi = case.version
    elsewhere = OmbudsmanCase.objects.get(pk=case.pk)
    ombudsman_case_assign(
        case=elsewhere,
        actor=region.kepala_jateng,
        expected_version=elsewhere.version,
        assistant=region.asisten_andi,
    )
    with pytest.raises(CaseConflict):
        verification.ombudsman_formal_verify(
            case=case, actor=region.asisten_andi, expected_version=read_by_andi
        )
    case.refresh_from_db()
    assert case.state == "received" and case.assigned_to == region.asisten_andi


def test_a_formal_check_with_gaps_does_not_pass(region):
    case = ombudsman_case(region)
    check = verification.ombudsman_formal_check_record(
        case=case,
        actor=region.asisten_andi,
        identity_confirmed=True,
        chronology_clear=True,
        prior_complaint=False,
        within_two_years=True,
        power_of_attorney="missing",
    )
    assert check.missing == ["prior_complaint", "power_of_attorney"]
    with pytest.raises(ValidationError):
        verification.ombudsman_formal_verify(
            case=case, actor=region.asisten_andi, expected_version=case.version
        )


def test_a_completeness_request_pauses_the_clock_and_resumes_with_what_was_left(region):
    case = ombudsman_case(region)
    assert case.due_on == datetime.date(2026, 4, 7)
    with at(11):
        request = verification.ombudsman_request_completeness(
            case=case, actor=region.asisten_andi, expected_version=case.version, missing_items="KTP"
        )
    assert case.due_on is None and case.paused_on == datetime.date(2026, 3, 11)
    assert request.due_on == datetime.date(2026, 4, 10)  # 30 calendar days
    with at(13, month=4):
        verification.ombudsman_completeness_received(case=case, answer="Salinan KTP")
    assert case.state == "received"
    # 13 working days were left on 11 March; counted again from 13 April.
    assert case.due_on == datetime.date(2026, 4, 30)
    assert case.pauses == [["2026-03-11", "2026-04-13"]]


def test_an_office_override_of_a_deadline_policy_wins(region):
    DeadlinePolicy.objects.create(
        stage="ombudsman.formal_verification",
        institution=region.jateng,
        amount=3,
        unit="working_days",
        source="SK Kepala Perwakilan Jateng (uji)",
    )
    case = ombudsman_case(region)
    assert case.due_on == datetime.date(2026, 3, 13)


def test_a_hand_over_moves_custody_and_keeps_the_history(region):
    case = ombudsman_case(region)
    handover = ombudsman_case_hand_over(
        case=case,
        actor=region.kepala_jateng,
        expected_version=case.version,
        to_office=region.ombudsman_ri,
        reason="Terlapor instansi vertikal",
    )
    assert case.office == region.ombudsman_ri
    assert handover.from_office == region.jateng
    events = AuditEvent.objects.filter(action__startswith="ombudsman.hand")
    assert {event.institution_id for event in events} == {region.jateng.pk, region.ombudsman_ri.pk}
    with pytest.raises(ValidationError):
        ombudsman_case_hand_over(
            case=case,
            actor=region.kepala_jateng,
            expected_version=case.version,
            to_office=region.magelang,
            reason="x",
        )


def test_a_plenary_decision_needs_minutes_and_can_decline(region):
    case = ombudsman_case(region)
    with at(11):
        to_exam_until_plenary = verification
        to_exam_until_plenary.ombudsman_formal_check_record(
            case=case,
            actor=region.asisten_andi,
            identity_confirmed=True,
            chronology_clear=True,
            prior_complaint=True,
            within_two_years=True,
        )
        verification.ombudsman_formal_verify(
            case=case, actor=region.asisten_andi, expected_version=case.version
        )
        verification.ombudsman_material_check_record(
            case=case,
            actor=region.asisten_andi,
            within_authority=True,
            not_before_court=True,
            not_already_reported=True,
            not_resolved=True,
            agency_time_passed=True,
        )
        verification.ombudsman_material_verify(
            case=case, actor=region.asisten_andi, expected_version=case.version
        )
        with pytest.raises(ValidationError) as error:
            verification.ombudsman_plenary_decide(
                case=case,
                actor=region.kepala_jateng,
                expected_version=case.version,
                outcome="decline",
                held_on=datetime.date(2026, 3, 11),
                minutes=" ",
            )
        assert "minutes" in error.value.message_dict
        verification.ombudsman_plenary_decide(
            case=case,
            actor=region.kepala_jateng,
            expected_version=case.version,
            outcome="decline",
            held_on=datetime.date(2026, 3, 11),
            minutes="Substansi sedang diperiksa pengadilan.",
        )
    assert case.state == "rejected" and case.closure_reason == "plenary_declined"
