"""The reporter's Ombudsman actions on the public tracking pages: grant-checked, clear, audited."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.utils import translation
from PIL import Image

from tests.cases.test_agency_track import TUESDAY as AGENCY_TUESDAY
from tests.complaints.test_report_submit import draft_for
from tests.ombudsman.helpers import TUESDAY, at
from tests.ombudsman.test_track import draft, to_examination
from tuntas.audit.models import AuditEvent
from tuntas.cases import services as agency
from tuntas.cases.models import AgencyCase
from tuntas.complaints import codes
from tuntas.complaints.models import ReportStatus
from tuntas.complaints.services_intake import report_submit
from tuntas.ombudsman import services_verification as verification
from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.ombudsman.services import ombudsman_report_submit
from tuntas.sla.services import holidays_import


@pytest.fixture(autouse=True)
def setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    holidays_import(year=2026)


def submitted_case(region):
    with time_machine.travel(TUESDAY, tick=False):
        submitted = ombudsman_report_submit(draft=draft_for(region), channel="web", actor=None)
    return submitted, OmbudsmanCase.objects.get(report=submitted.report)


def granted(client, submitted):
    client.cookies["tuntas_language"] = "en"
    number = codes.format_public_number(submitted.report.public_number)
    response = client.post("/lacak/", {"number": number, "access_code": submitted.access_code})
    assert response.status_code == 302
    return f"/lacak/ombudsman/{number}/"


def panel(report) -> str:
    with translation.override("en"):
        return Template('{% include "ombudsman/_tracking_panel.html" %}').render(
            Context({"report": report})
        )


def png() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(image, format="PNG")
    return image.getvalue()


def test_without_the_tracking_grant_every_action_shows_the_lookup_form(client, region):
    submitted, case = submitted_case(region)
    number = codes.format_public_number(submitted.report.public_number)
    client.cookies["tuntas_language"] = "en"
    for action in ("tanggapan", "kelengkapan", "ajukan", "tarik"):
        for url in (
            f"/lacak/ombudsman/{number}/{action}/",
            f"/lacak/ombudsman/LM-26AAAAAAAA/{action}/",
        ):
            page = client.get(url)
            assert page.status_code == 200
            assert 'name="access_code"' in page.content.decode()
    assert client.post(f"/lacak/ombudsman/{number}/tarik/", {"confirm": "on"}).status_code == 200
    case.refresh_from_db()
    assert case.state == "received"


def test_the_panel_shows_the_stage_and_working_days_left(region):
    submitted, case = submitted_case(region)
    with at(11):
        html = panel(submitted.report)
    assert "Received, formal verification" in html
    assert case.due_on.strftime("%Y-%m-%d") in html
    assert "working days left" in html
    assert "Withdraw the report from the Ombudsman" in html


def test_the_reporter_sends_the_missing_documents_and_the_clock_resumes(client, region):
    submitted, case = submitted_case(region)
    with at(11):
        verification.ombudsman_request_completeness(
            case=case,
            actor=region.asisten_andi,
            expected_version=case.version,
            missing_items="Salinan surat penolakan dari Puskesmas",
        )
        html = panel(submitted.report)
        assert "Paused: waiting for the documents you were asked for" in html
        assert "Salinan surat penolakan dari Puskesmas" in html
        base = granted(client, submitted)
        page = client.get(base + "kelengkapan/")
        assert "Salinan surat penolakan dari Puskesmas" in page.content.decode()
        empty = client.post(base + "kelengkapan/", {"text": ""})
        assert empty.status_code == 400
        assert "Write what you are sending" in empty.content.decode()
        refused = client.post(
            base + "kelengkapan/",
            {"text": "Surat terlampir", "attachments": SimpleUploadedFile("x.exe", b"MZ\x90\x00")},
        )
        assert refused.status_code == 400
        assert "Surat terlampir" in refused.content.decode()  # the words are kept
        case.refresh_from_db()
        assert case.state == "completeness_requested"
        sent = client.post(
            base + "kelengkapan/",
            {"text": "Surat terlampir", "attachments": SimpleUploadedFile("surat.png", png())},
        )
    assert sent.status_code == 302 and "/lacak/" in sent["Location"]
    case.refresh_from_db()
    assert case.state == "received" and case.due_on is not None
    request = case.completeness_requests.get()
    assert "Surat terlampir" in request.answer and "surat.png" in request.answer
    assert submitted.report.attachments.count() == 1
    assert AuditEvent.objects.filter(action="ombudsman.completeness_received", actor=None).exists()


def test_the_reporter_responds_to_the_draft_lahp_within_its_window_only(client, region):
    submitted, case = submitted_case(region)
    with at(11):
        to_examination(case, region.asisten_andi)
        lahp = draft(case, region.asisten_andi, "not_found", region)
        html = panel(submitted.report)
        assert "Respond to the draft final report" in html
        base = granted(client, submitted)
        page = client.get(base + "tanggapan/").content.decode()
        assert "Petugas tidak memeriksa status kepesertaan secara daring." in page
        empty = client.post(base + "tanggapan/", {"response": "  "})
        assert empty.status_code == 400 and "Write your response." in empty.content.decode()
        sent = client.post(base + "tanggapan/", {"response": "Saya tidak setuju: ada bukti baru."})
        assert sent.status_code == 302
        again = client.get(base + "tanggapan/")
        assert again.status_code == 302
    lahp.refresh_from_db()
    assert lahp.reporter_response == "Saya tidak setuju: ada bukti baru."
    assert lahp.responded_on == datetime.date(2026, 3, 11)


def test_after_the_response_window_the_reporter_cannot_respond(client, region):
    submitted, case = submitted_case(region)
    with at(11):
        to_examination(case, region.asisten_andi)
        lahp = draft(case, region.asisten_andi, "not_found", region)
    late = lahp.response_due_on + datetime.timedelta(days=1)
    with at(late):
        assert "Respond to the draft final report" not in panel(submitted.report)
        base = granted(client, submitted)
        response = client.post(base + "tanggapan/", {"response": "Terlambat"})
    assert response.status_code == 302
    lahp.refresh_from_db()
    assert lahp.responded_on is None


def test_the_reporter_withdraws_the_ombudsman_case_and_the_report_with_it(client, region):
    submitted, case = submitted_case(region)
    with at(11):
        base = granted(client, submitted)
        unticked = client.post(base + "tarik/", {"reason": "Sudah selesai"})
        assert unticked.status_code == 400
        body = unticked.content.decode()
        assert "Tick the box to confirm the withdrawal." in body and "Sudah selesai" in body
        done = client.post(base + "tarik/", {"reason": "Sudah selesai", "confirm": "on"})
        assert done.status_code == 302
    case.refresh_from_db()
    submitted.report.refresh_from_db()
    assert case.state == "withdrawn" and case.closure_note == "Sudah selesai"
    assert submitted.report.status == ReportStatus.WITHDRAWN
    assert "Withdrawn by the reporter" in panel(submitted.report)
    with at(11):
        assert client.get(base + "tarik/").status_code == 302


def test_the_reporter_takes_an_offered_report_to_the_ombudsman_with_its_history(client, region):
    with time_machine.travel(AGENCY_TUESDAY, tick=False):
        submitted = report_submit(draft=draft_for(region), channel="web")
        agency_case = AgencyCase.objects.get(report=submitted.report)
        agency.case_escalate(case=agency_case, actor=None, reason="overdue")
        agency.case_offer_to_ombudsman(case=agency_case)
        html = panel(submitted.report)
        assert "Take this report to the Ombudsman" in html
        base = granted(client, submitted)
        page = client.get(base + "ajukan/")
        assert submitted.report.description in page.content.decode()
        unticked = client.post(base + "ajukan/", {})
        assert unticked.status_code == 400
        assert not OmbudsmanCase.objects.exists()
        sent = client.post(base + "ajukan/", {"confirm": "on"})
        assert sent.status_code == 302
        assert client.get(base + "ajukan/").status_code == 302  # only once
    case = OmbudsmanCase.objects.get(report=submitted.report)
    assert case.source == "escalated" and case.agency_case == agency_case
    assert "Pemerintah Kota Magelang" in case.history
    agency_case.refresh_from_db()
    assert agency_case.state == "referred_to_ombudsman"
    assert "Take this report" not in panel(submitted.report)


def test_the_staff_formal_check_of_an_escalated_case_has_the_prior_complaint_ticked(region):
    from tuntas.ombudsman.forms import FormalCheckForm
    from tuntas.ombudsman.services_reporter import reporter_take_to_ombudsman

    with time_machine.travel(AGENCY_TUESDAY, tick=False):
        submitted = report_submit(draft=draft_for(region), channel="web")
        agency_case = AgencyCase.objects.get(report=submitted.report)
        agency.case_escalate(case=agency_case, actor=None, reason="overdue")
        agency.case_offer_to_ombudsman(case=agency_case)
        case = reporter_take_to_ombudsman(report=submitted.report)
    assert FormalCheckForm(case=case).fields["prior_complaint"].initial is True
    _, direct = submitted_case(region)
    assert not FormalCheckForm(case=direct).fields["prior_complaint"].initial


def test_a_report_without_an_ombudsman_case_shows_no_panel(region):
    with time_machine.travel(AGENCY_TUESDAY, tick=False):
        submitted = report_submit(draft=draft_for(region), channel="web")
    assert panel(submitted.report).strip() == ""


def test_the_panel_counts_the_response_window_of_the_draft(region):
    submitted, case = submitted_case(region)
    with at(11):
        to_examination(case, region.asisten_andi)
        lahp = draft(case, region.asisten_andi, "stopped", region)
        html = panel(submitted.report)
    assert "Final report drafted, waiting for the reporter&#x27;s response" in html
    assert "Examination stopped" in html
    assert lahp.response_due_on.strftime("%Y-%m-%d") in html
    assert "days left" in html


def test_the_tracking_page_shows_the_ombudsman_panel_instead_of_the_agency_withdrawal(
    client, region
):
    submitted, _case = submitted_case(region)
    granted(client, submitted)
    number = codes.format_public_number(submitted.report.public_number)
    page = client.get(f"/lacak/{number}/").content.decode()
    assert 'id="ombudsman-panel-title"' in page
    assert f"/lacak/ombudsman/{submitted.report.public_number}/tarik/" in page
    assert f'href="/lacak/{number}/tarik/"' not in page


def test_the_agency_withdrawal_refuses_a_report_the_ombudsman_is_examining(region):
    from django.core.exceptions import ValidationError

    from tuntas.complaints.services import report_withdraw

    submitted, case = submitted_case(region)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        report_withdraw(report=submitted.report, reason="Sudah selesai", actor=None)
    assert "Ombudsman" in str(refused.value)
    case.refresh_from_db()
    submitted.report.refresh_from_db()
    assert case.is_open and submitted.report.status != ReportStatus.WITHDRAWN
