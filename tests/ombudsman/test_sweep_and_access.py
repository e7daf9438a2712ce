"""The sweep lapses and escalates exactly once; cases are seen only by their office (and the room by the liaison)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.http import Http404
from django.utils import translation

from tests.ombudsman.helpers import at, ombudsman_case
from tests.ombudsman.test_track import draft, to_examination
from tuntas.audit.models import AuditEvent
from tuntas.notifications.models import Notification
from tuntas.ombudsman import services_outcome as outcome
from tuntas.ombudsman import services_verification as verification
from tuntas.ombudsman.models import MaladministrationType
from tuntas.ombudsman.selectors import (
    can_use_case_room,
    can_view_ombudsman_case,
    case_rooms_visible_to,
    ombudsman_case_get_for_actor,
    ombudsman_cases_visible_to,
)
from tuntas.ombudsman.services_room import room_message_post
from tuntas.ombudsman.sweep import ombudsman_sweep
from tuntas.sla.services import holidays_import


@pytest.fixture(autouse=True)
def holidays(db):
    holidays_import(year=2026)


def test_a_lapsed_completeness_request_closes_the_case_once_with_notice_to_the_reporter(region):
    case = ombudsman_case(region)
    with at(11):
        request = verification.ombudsman_request_completeness(
            case=case, actor=region.asisten_andi, expected_version=case.version, missing_items="KTP"
        )
    assert request.due_on == datetime.date(2026, 4, 10)
    assert ombudsman_sweep(today=datetime.date(2026, 4, 10)).completeness_lapsed == 0
    before = Notification.objects.count()
    first = ombudsman_sweep(today=datetime.date(2026, 4, 11))
    second = ombudsman_sweep(today=datetime.date(2026, 4, 12))
    assert (first.completeness_lapsed, second.completeness_lapsed) == (1, 0)
    case.refresh_from_db()
    assert case.state == "closed_formal" and case.closure_reason == "completeness_lapsed"
    closing = Notification.objects.filter(subject__contains="is closed")
    assert closing.count() == 1 and Notification.objects.count() == before + 1
    assert AuditEvent.objects.filter(action="ombudsman.completeness_lapse", actor=None).count() == 1


def test_overdue_corrective_actions_escalate_once_to_the_office_and_the_partner(region):
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
                outcome.CorrectiveItem(description="Menerbitkan SOP.", owner=region.magelang)
            ],
        )
    with at(26):
        outcome.ombudsman_lahp_issue(
            case=case, actor=region.kepala_jateng, expected_version=case.version
        )
    due = case.lahps.get().corrective_actions.get().due_on
    assert due == datetime.date(2026, 4, 25)
    assert ombudsman_sweep(today=due).corrective_escalated == 0
    with translation.override("en"):  # staff messages go out in the active language
        first = ombudsman_sweep(today=due + datetime.timedelta(days=1))
        sent = Notification.objects.filter(subject__contains="corrective action").count()
        second = ombudsman_sweep(today=due + datetime.timedelta(days=2))
    assert (first.corrective_escalated, second.corrective_escalated) == (1, 0)
    assert sent == 2  # kepala perwakilan Jateng and the partner's administrator
    assert Notification.objects.filter(subject__contains="corrective action").count() == sent
    assert AuditEvent.objects.filter(action="ombudsman.corrective_action_overdue").count() == 1


def test_an_overdue_recommendation_escalates_once(region):
    case = ombudsman_case(region)
    with at(11):
        to_examination(case, region.asisten_andi)
        draft(
            case,
            region.asisten_andi,
            "found",
            region,
            maladministration_types=[MaladministrationType.objects.get(code="penundaan-berlarut")],
            corrective_actions=[outcome.CorrectiveItem(description="SOP.", owner=region.magelang)],
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
            content="Menerbitkan SOP.",
        )
    late = recommendation.due_on + datetime.timedelta(days=1)
    results = [ombudsman_sweep(today=late), ombudsman_sweep(today=late)]
    assert [result.recommendations_escalated for result in results] == [1, 0]
    assert AuditEvent.objects.filter(action="ombudsman.recommendation_overdue").count() == 1


def test_the_sweep_command_reports_what_it_did(region, capsys):
    ombudsman_case(region)
    call_command("ombudsman_sweep", "--date", "2026-04-08")
    assert "stages overdue 1" in capsys.readouterr().out
    call_command("ombudsman_sweep", "--date", "2026-04-08")
    assert "stages overdue 0" in capsys.readouterr().out


def test_a_case_is_seen_by_its_office_and_the_centre_but_not_another_office_or_the_partner(region):
    case = ombudsman_case(region)
    assert can_view_ombudsman_case(region.asisten_andi, case)
    assert can_view_ombudsman_case(region.kepala_jateng, case)
    assert can_view_ombudsman_case(region.asisten_pusat, case)
    for outsider in (region.asisten_diy, region.admin_magelang, region.petugas_siti):
        assert not can_view_ombudsman_case(outsider, case)
        assert not ombudsman_cases_visible_to(outsider).filter(pk=case.pk).exists()
        with pytest.raises(Http404):
            ombudsman_case_get_for_actor(actor=outsider, number=case.report.public_number)
    assert list(ombudsman_cases_visible_to(region.asisten_andi)) == [case]


def test_the_partners_liaison_enters_the_joint_room_but_another_partner_does_not(region):
    case = ombudsman_case(region)
    assert can_use_case_room(region.admin_magelang, case)
    assert case_rooms_visible_to(region.admin_magelang).filter(pk=case.pk).exists()
    assert not can_use_case_room(region.petugas_purworejo, case)
    assert not can_use_case_room(region.asisten_diy, case)
    message = room_message_post(
        case=case, actor=region.admin_magelang, body="Dinas sudah dipanggil."
    )
    assert message.author == region.admin_magelang
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        room_message_post(case=case, actor=region.asisten_diy, body="x")


def test_a_document_shared_in_the_room_keeps_only_its_safe_copy_and_agreed_actions_have_owners(
    region, settings, tmp_path
):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuntas.ombudsman.services_room import (
        agreed_action_add,
        agreed_action_done,
        room_document_add,
    )

    settings.MEDIA_ROOT = tmp_path
    case = ombudsman_case(region)
    import io

    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(image, format="PNG")
    document = room_document_add(
        case=case,
        actor=region.admin_magelang,
        upload=SimpleUploadedFile("foto.png", image.getvalue()),
    )
    assert document.content_type == "image/png"
    assert (tmp_path / "attachments" / document.stored_name).exists()
    with pytest.raises(ValidationError):
        room_document_add(
            case=case,
            actor=region.admin_magelang,
            upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00"),
        )
    with at(11):
        action = agreed_action_add(
            case=case,
            actor=region.kepala_jateng,
            description="Dinas Kesehatan menerbitkan SOP",
            owner=region.magelang,
            due_on=datetime.date(2026, 3, 31),
        )
        with pytest.raises(ValidationError):
            agreed_action_add(
                case=case,
                actor=region.kepala_jateng,
                description="x",
                owner=region.sleman,
                due_on=datetime.date(2026, 3, 31),
            )
        agreed_action_done(action=action, actor=region.admin_magelang, evidence="SOP no. 12/2026")
    assert action.done_on == datetime.date(2026, 3, 11)
