"""Services of the workspace: canned responses (also through the admin), messages, bulk steps."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from tests.staff.cases_helpers import file_case
from tuntas.audit.models import AuditEvent
from tuntas.cases.models import AgencyCase, CannedResponse, CaseMessage
from tuntas.cases.selectors import canned_responses_for
from tuntas.cases.services_workspace import (
    canned_response_save,
    case_message_send,
    cases_bulk_step,
)


def test_a_canned_response_is_saved_with_its_audit_event_and_offered_to_its_institution(region):
    own = canned_response_save(
        actor=region.admin_rina, institution=region.magelang, title="Salam", text="Selamat pagi."
    )
    shared = canned_response_save(
        actor=region.admin_rina, institution=None, title="Umum", text="Terima kasih."
    )
    canned_response_save(
        actor=region.admin_rina, institution=region.sleman, title="Sleman", text="Sleman."
    )
    assert set(canned_responses_for(region.magelang.pk)) == {own, shared}
    canned_response_save(
        actor=region.admin_rina,
        canned=own,
        institution=region.magelang,
        title="Salam",
        text="Selamat siang.",
        is_active=False,
    )
    assert set(canned_responses_for(region.magelang.pk)) == {shared}
    changed = AuditEvent.objects.get(action="case.canned_response_changed")
    assert changed.changes["text"] == ["Selamat pagi.", "Selamat siang."]


def test_an_empty_canned_response_is_refused(region):
    with pytest.raises(ValidationError):
        canned_response_save(actor=None, institution=None, title="", text="x")
    with pytest.raises(ValidationError):
        canned_response_save(actor=None, institution=None, title="x", text="  ")


def test_the_admin_saves_canned_responses_through_the_service(region):
    client = Client()
    client.force_login(region.admin_rina)
    response = client.post(
        "/admin/cases/cannedresponse/add/",
        {
            "institution": region.magelang.pk,
            "title": "Foto",
            "text": "Kirim foto.",
            "position": 10,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CannedResponse.objects.get().title == "Foto"
    assert AuditEvent.objects.filter(action="case.canned_response_created").count() == 1


def test_a_message_to_the_reporter_is_recorded_and_refused_when_empty(region):
    case = file_case(region)
    message = case_message_send(case=case, actor=region.petugas_siti, text=" Halo ")
    assert message.body == "Halo" and message.kind == "to_reporter"
    with pytest.raises(ValidationError):
        case_message_send(case=case, actor=region.petugas_siti, text=" ")
    assert CaseMessage.objects.count() == 1


def test_a_bulk_step_refuses_what_the_actor_may_not_do_and_runs_the_rest(region):
    mine = file_case(region)
    other_unit = file_case(region, unit=region.magelang_dinkes)
    with translation.override("en"):
        outcomes = cases_bulk_step(
            actor=region.petugas_siti,
            step="disposition",
            selected=[
                (mine.report.public_number, mine.version),
                (other_unit.report.public_number, other_unit.version),
                ("LM-26AAAAAAAA", 1),  # no such report
            ],
            unit=region.magelang_pupr,
        )
    assert [outcome.ok for outcome in outcomes] == [False, False, False]
    # received → disposition is not a step of the track: the workflow says what is possible.
    assert "verify" in outcomes[0].message
    assert outcomes[1].message == "Report not found."  # another unit's case is out of sight
    assert outcomes[2].message == "Report not found."
    assert AgencyCase.objects.get(pk=mine.pk).state == "received"
