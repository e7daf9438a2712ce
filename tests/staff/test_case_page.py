"""The case page: the timeline, internal notes apart, each allowed step as a form, conflicts."""

from __future__ import annotations

import pytest
import time_machine

from tests.staff.cases_helpers import TUESDAY, case_url, client_for, file_case
from tuntas.audit.models import AuditEvent
from tuntas.cases import services
from tuntas.cases.models import AgencyCase, CannedResponse, CaseMessage
from tuntas.cases.services_workspace import case_message_send
from tuntas.institutions.services import institution_update
from tuntas.sla.services import holidays_import


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def case(region):
    holidays_import(year=2026)
    with time_machine.travel(TUESDAY, tick=False):
        return file_case(region)


def post_step(client, case, step, **fields):
    data = {f"{step}-expected_version": fields.pop("version", case.version)}
    data.update({f"{step}-{name}": value for name, value in fields.items()})
    return client.post(case_url(case, step), data)


def fresh(case):
    return AgencyCase.objects.get(pk=case.pk)


def test_the_officer_sees_the_case_with_its_deadline_and_the_steps_it_allows(case, region):
    with time_machine.travel(TUESDAY, tick=False):
        page = client_for(region.petugas_siti).get(case_url(case)).content.decode()
    assert "Received, waiting for verification" in page
    assert "2026-03-13" in page and "3 working days left" in page
    assert f'action="/staf/kasus/{case.report.public_number}/langkah/verify/"' in page
    assert "langkah/reject/" in page and "langkah/request_information/" in page
    # Steps of the head only, or of later states, are not offered.
    assert "langkah/approve/" not in page and "langkah/resolve/" not in page
    assert "langkah/transfer/" not in page


def test_a_case_out_of_scope_is_a_404(case, region):
    assert client_for(region.petugas_purworejo).get(case_url(case)).status_code == 404
    response = post_step(client_for(region.petugas_purworejo), case, "verify", note="")
    assert response.status_code == 404
    assert fresh(case).state == "received"


def test_verifying_through_the_page_moves_the_case_and_records_who_did_it(case, region):
    response = post_step(client_for(region.petugas_siti), case, "verify", note="lengkap")
    assert response.status_code == 302
    assert fresh(case).state == "verified"
    event = AuditEvent.objects.get(action="case.verify")
    assert event.actor == region.petugas_siti


def test_a_step_the_actor_may_not_take_is_refused(case, region):
    services.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
    response = post_step(
        client_for(region.petugas_siti),
        case,
        "transfer",
        to_institution=region.sleman.pk,
        reason="x",
    )
    assert response.status_code == 403
    assert fresh(case).institution == region.magelang


def test_a_second_officer_gets_a_conflict_keeping_what_they_typed_and_nothing_is_overwritten(
    case, region
):
    read_version = case.version
    # Another officer rejects... no: the administrator verifies first.
    services.case_verify(case=case, actor=region.admin_magelang, expected_version=read_version)
    response = post_step(
        client_for(region.petugas_siti),
        case,
        "request_information",
        version=read_version,
        question="Mohon kirim foto lokasi lubang.",
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by Dewi Lestari at" in page
    assert "Nothing of yours was saved" in page
    assert "Mohon kirim foto lokasi lubang." in page
    assert fresh(case).state == "verified"
    assert not CaseMessage.objects.filter(case=case).exists()


def test_a_conflict_on_a_step_still_possible_rebinds_the_form_with_the_new_version(case, region):
    read_version = case.version
    services.case_note_add(case=case, actor=region.admin_magelang, text="cek dulu")
    services.case_assign(
        case=case,
        actor=region.admin_magelang,
        expected_version=read_version,
        officer=region.petugas_siti,
    )
    client = client_for(region.petugas_siti)
    response = post_step(client, case, "reject", version=read_version, reason="Bukan wewenang kami")
    assert response.status_code == 409
    page = response.content.decode()
    assert f'value="{read_version + 1}"' in page  # the form now names the version just read
    assert "Bukan wewenang kami</textarea>" in page
    assert fresh(case).state == "received"
    # Reviewed, the officer tries again and it goes through.
    response = post_step(
        client, case, "reject", version=read_version + 1, reason="Bukan wewenang kami"
    )
    assert response.status_code == 302 and fresh(case).state == "rejected"


def test_a_step_with_missing_text_shows_the_field_error_and_saves_nothing(case, region):
    response = post_step(client_for(region.petugas_siti), case, "reject", reason="  ")
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert fresh(case).state == "received"


def test_internal_notes_are_kept_apart_from_the_messages_to_the_reporter(case, region):
    client = client_for(region.petugas_siti)
    post_step(client, case, "note", text="Catatan internal: cek anggaran")
    post_step(client, fresh(case), "message", text="Terima kasih, sedang kami cek.")
    page = client.get(case_url(case)).content.decode()
    timeline, notes = page.split('id="timeline-title"')[1].split('id="notes-title"')
    assert "Terima kasih, sedang kami cek." in timeline
    assert "Catatan internal" not in timeline
    assert "Catatan internal: cek anggaran" in notes.split('id="steps-title"')[0]
    assert AuditEvent.objects.filter(action="case.message_sent").count() == 1


def test_a_canned_response_is_inserted_into_the_message_without_javascript(case, region):
    canned = CannedResponse.objects.create(
        institution=region.magelang, title="Minta foto", text="Mohon kirimkan foto lokasi."
    )
    CannedResponse.objects.create(
        institution=region.sleman, title="Lain", text="Teks instansi lain."
    )
    client = client_for(region.petugas_siti)
    page = client.get(case_url(case)).content.decode()
    assert "Minta foto" in page and "Teks instansi lain" not in page
    response = client.post(
        case_url(case, "request_information"),
        {
            "request_information-expected_version": case.version,
            "request_information-question": "Selamat pagi.",
            "request_information-canned": canned.pk,
            "insert_canned": "1",
        },
    )
    assert response.status_code == 200
    assert "Selamat pagi.\n\nMohon kirimkan foto lokasi.</textarea>" in response.content.decode()
    assert fresh(case).state == "received"  # inserting saves nothing


def test_the_whole_track_through_the_pages_with_the_heads_approval(case, region):
    institution_update(
        actor=region.admin_rina, institution=region.magelang, requires_head_approval=True
    )
    officer = client_for(region.petugas_siti)
    head = client_for(region.pimpinan_magelang)
    assert post_step(officer, case, "verify", note="").status_code == 302
    case = fresh(case)
    assert (
        post_step(
            officer,
            case,
            "disposition",
            unit=region.magelang_pupr.pk,
            note="Tindak lanjuti",
            complexity="simple",
        ).status_code
        == 302
    )
    case = fresh(case)
    assert post_step(officer, case, "assign", officer=region.petugas_siti.pk).status_code == 302
    case = fresh(case)
    assert (
        post_step(officer, case, "draft_response", text="Jalan sudah ditambal.").status_code == 302
    )
    case = fresh(case)
    page = officer.get(case_url(case)).content.decode()
    assert "langkah/resolve/" not in page  # this institution needs the head's approval
    assert post_step(officer, case, "submit_for_approval").status_code == 302
    case = fresh(case)
    assert case.state == "awaiting_approval"
    assert post_step(officer, case, "approve", summary="x").status_code == 403
    assert post_step(head, case, "approve", summary="Jalan sudah ditambal.").status_code == 302
    case = fresh(case)
    assert case.state == "resolved" and case.resolution_summary == "Jalan sudah ditambal."
    assert case.assigned_to == region.petugas_siti


def test_resolving_keeps_the_evidence_file_for_staff_to_download(case, region):
    from tests.staff.test_reports_list import png_upload

    services.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
    services.case_disposition(
        case=case,
        actor=region.admin_magelang,
        expected_version=case.version,
        unit=region.magelang_pupr,
        note="",
        complexity="simple",
    )
    services.case_draft_response(
        case=case, actor=region.petugas_siti, expected_version=case.version, text="Sudah."
    )
    client = client_for(region.petugas_siti)
    response = client.post(
        case_url(case, "resolve"),
        {
            "resolve-expected_version": case.version,
            "resolve-summary": "Jalan sudah ditambal.",
            "resolve-evidence": png_upload("sesudah.png"),
        },
    )
    assert response.status_code == 302
    case = fresh(case)
    assert case.state == "resolved"
    evidence = case.evidence.get()
    assert evidence.original_name == "sesudah.png"
    download = client.get(f"{case_url(case)}bukti/{evidence.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="case.evidence_added").count() == 1
    # Someone outside the institution cannot fetch it.
    assert (
        client_for(region.petugas_purworejo)
        .get(f"{case_url(case)}bukti/{evidence.pk}/")
        .status_code
        == 404
    )


@pytest.mark.parametrize("notes", [1, 15])
def test_the_case_page_takes_the_same_few_queries_however_long_its_history(
    case, region, notes, django_assert_max_num_queries
):
    for n in range(notes):
        services.case_note_add(case=case, actor=region.petugas_siti, text=f"Catatan {n}")
        case_message_send(case=case, actor=region.admin_magelang, text=f"Pesan {n}")
    client = client_for(region.petugas_siti)
    client.get(case_url(case))
    with django_assert_max_num_queries(18):
        response = client.get(case_url(case))
    assert response.content.decode().count("Catatan ") == notes
