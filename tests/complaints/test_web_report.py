"""The citizen's report at /lapor/, driven like a browser without JavaScript."""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from tests.complaints.web_helpers import (
    CANARY_NAME,
    CANARY_NIK,
    ENGLISH,
    NOW,
    exe_file,
    form_data,
    isolated_files_and_counters,  # noqa: F401  (autouse fixture)
    send_report,
    tiny_png,
)
from tuntas.complaints import codes
from tuntas.complaints.models import Report, ReporterIdentity
from tuntas.complaints.staging import staging_root
from tuntas.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _english_client() -> Client:
    client = Client()
    client.cookies.load(ENGLISH)
    return client


# --- The form ------------------------------------------------------------------------------


def test_the_form_asks_what_where_which_category_earlier_complaint_evidence_and_who(
    region, settings
):
    settings.IDENTITY_RETENTION_YEARS = 5
    client = _english_client()
    html = client.get("/lapor/").content.decode()
    for name in (
        "title",
        "description",
        "occurred_on",
        "institution",
        "unit",
        "service_name",
        "address",
        "kecamatan",
        "kelurahan",
        "latitude",
        "longitude",
        "category",
        "desired_outcome",
        "complained_before",
        "complained_on",
        "complaint_response",
        "attachments",
        "identity_mode",
        "visibility",
        "name",
        "nik",
        "phone",
        "email",
        "reporter_address",
        "consent",
    ):
        assert f'name="{name}"' in html, name
    assert re.search(r'<input type="file" name="attachments"[^>]* multiple', html)
    assert "Pemerintah Kota Magelang" in html
    assert "Ombudsman RI Perwakilan Jawa Tengah" not in html  # not a reported institution
    assert "Health" in html  # categories in the current language
    assert "a formal Ombudsman report needs your identity" in html
    assert "UU 27/2022" in html and "Pasal 20" in html
    assert 'href="/privasi/"' in html
    assert "5 years after the report is closed" in html


def test_the_unit_list_follows_the_chosen_institution_without_javascript(region):
    client = _english_client()
    response = client.post(
        "/lapor/",
        form_data(
            region, action="units", institution=str(region.purworejo.pk), unit="", title="Jalan"
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The list of units was updated. Nothing has been sent yet." in html
    assert f'<option value="{region.purworejo_dinkes.pk}">' in html
    assert "Puskesmas Jurangombo" not in html
    assert 'value="Jalan"' in html  # what was typed stays
    assert "error-summary" not in html  # refreshing the list is not a failed attempt


def test_htmx_refreshes_only_the_unit_select(region):
    client = _english_client()
    response = client.get(
        f"/lapor/pilih/unit/?institution={region.magelang.pk}", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<form" not in html and "<html" not in html
    assert "Puskesmas Jurangombo" in html and "\u2014 Puskesmas Jurangombo" in html  # under Dinkes
    assert "Dinas Kesehatan" in html
    # Without htmx the fragment URL leads back to the whole form.
    assert client.get(f"/lapor/pilih/unit/?institution={region.magelang.pk}").status_code == 302


def test_the_institution_search_narrows_the_list_and_keeps_the_choice_made(region):
    client = _english_client()
    response = client.get(
        f"/lapor/pilih/instansi/?institution_q=sleman&institution={region.magelang.pk}",
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Pemerintah Kabupaten Sleman" in html
    assert "Pemerintah Kota Magelang" in html  # chosen before the search: never dropped
    assert "Pemerintah Kabupaten Purworejo" not in html
    no_js = client.post("/lapor/", form_data(region, action="find", institution_q="purworejo"))
    assert "Pemerintah Kabupaten Purworejo" in no_js.content.decode()
    assert "Pemerintah Kabupaten Sleman" not in no_js.content.decode()


def test_validation_errors_are_explained_and_keep_everything_typed(region):
    client = _english_client()
    response = client.post(
        "/lapor/", form_data(region, title="", nik="1234", description="Terlalu pendek")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary" role="alert"' in html
    assert "Give the report a short title." in html
    assert "A NIK has exactly 16 digits." in html
    assert "Describe what happened in at least 20 characters." in html
    assert 'href="#id_title"' in html  # the summary links to the field
    assert 'value="1234"' in html and CANARY_NAME in html and "Terlalu pendek" in html
    assert 'value="Magelang Selatan"' in html
    assert not Report.objects.exists()


def test_identity_is_required_unless_anonymous_and_consent_with_it(region):
    client = _english_client()
    html = client.post("/lapor/", form_data(region, name="", consent=None)).content.decode()
    assert "Give your name, or choose to report anonymously." in html
    assert "Agree to the privacy notice so that we may store your identity." in html
    anonymous = client.post(
        "/lapor/", form_data(region, identity_mode="anonim", name="", nik="12", consent=None)
    )
    assert anonymous.status_code == 302  # an anonymous reporter's typed NIK is not even judged


def test_a_future_date_and_a_half_map_pin_are_refused(region):
    client = _english_client()
    html = client.post(
        "/lapor/", form_data(region, occurred_on="2027-01-05", latitude="-7.47")
    ).content.decode()
    assert "The date cannot be in the future." in html
    assert "A map pin needs both latitude and longitude." in html


def test_a_unit_of_another_institution_is_refused(region):
    client = _english_client()
    html = client.post(
        "/lapor/", form_data(region, unit=str(region.sleman_dukcapil.pk))
    ).content.decode()
    assert "The unit must belong to the chosen institution." in html


# --- Files ---------------------------------------------------------------------------------


def test_a_refused_file_is_named_with_its_rule_and_everything_else_is_kept(region):
    client = _english_client()
    data = form_data(region, attachments=[tiny_png(), exe_file("surat-kuasa.exe")])
    response = client.post("/lapor/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "surat-kuasa.exe: this kind of file" in html
    assert "is not accepted; send a photo" in html
    assert 'value="Puskesmas menolak kartu BPJS"' in html and CANARY_NAME in html
    assert "foto-loket.png" in html  # the good file of the same upload is staged
    # Continuing without the refused file keeps the accepted one.
    response = client.post("/lapor/", form_data(region))
    assert response.status_code == 302
    review = client.get("/lapor/periksa/").content.decode()
    assert "foto-loket.png" in review and "surat-kuasa.exe" not in review
    client.post("/lapor/periksa/", {"action": "send"})
    report = Report.objects.get()
    assert list(report.attachments.values_list("original_name", flat=True)) == ["foto-loket.png"]
    assert not any(staging_root().iterdir())  # the staging directory went with the report


def test_a_staged_file_can_be_removed_before_sending(region):
    client = _english_client()
    client.post("/lapor/", form_data(region, action="units", attachments=[tiny_png("a.png")]))
    html = client.get("/lapor/").content.decode()
    file_id = re.search(r'name="remove_file" value="([0-9a-f]+)"', html).group(1)
    client.post("/lapor/", form_data(region, remove_file=[file_id]))
    assert "a.png" not in client.get("/lapor/periksa/").content.decode()


def test_more_files_than_allowed_are_refused_by_name(region, settings):
    settings.ATTACHMENT_MAX_COUNT = 1
    client = _english_client()
    html = client.post(
        "/lapor/", form_data(region, attachments=[tiny_png("satu.png"), tiny_png("dua.png")])
    ).content.decode()
    assert "dua.png: at most 1 files can be attached to one report." in html


# --- Review, send, receipt -----------------------------------------------------------------


def test_the_whole_journey_without_javascript_ends_with_a_receipt(region):
    client = _english_client()
    client.post("/lapor/", form_data(region, attachments=[tiny_png()]))
    review = client.get("/lapor/periksa/")
    html = review.content.decode()
    assert "no-store" in review["Cache-Control"]
    for shown in (
        "Puskesmas menolak kartu BPJS",
        "Pemerintah Kota Magelang",
        "Puskesmas Jurangombo",
        "Health",
        "Pendaftaran pasien BPJS",
        CANARY_NAME,
        CANARY_NIK,
        "foto-loket.png",
        "Confidential: only the privacy officer and the Ombudsman see my identity",
    ):
        assert shown in html, shown
    assert 'href="/lapor/#who"' in html  # "Change" goes back to the form with the values
    assert CANARY_NAME in client.get("/lapor/").content.decode()

    response = client.post("/lapor/periksa/", {"action": "send"})
    assert response.status_code == 302 and response["Location"] == "/lapor/terima-kasih/"
    report = Report.objects.get()
    assert report.channel == "web" and report.identity_mode == "rahasia"
    assert report.unit == region.magelang_puskesmas and report.citizen_account is None
    assert report.language == "en"
    assert ReporterIdentity.objects.filter(report=report).exists()
    assert report.attachments.count() == 1

    receipt = client.get("/lapor/terima-kasih/")
    html = receipt.content.decode()
    assert "no-store" in receipt["Cache-Control"]
    number = codes.format_public_number(report.public_number)
    assert f'id="report-number">{number}<' in html
    code = re.search(r'id="access-code">([0-9A-Z-]+)<', html).group(1)
    assert report.access_code_hash == codes.hash_access_code(code)
    assert "also sent the number and the access code to the e-mail address" in html
    assert Notification.objects.filter(report_id=report.pk, channel="email").exists()
    assert 'href="/lapor/tanda-terima.pdf"' in html
    # The form is empty again: the draft went with the report.
    assert CANARY_NAME not in client.get("/lapor/").content.decode()


def test_the_receipt_names_what_was_sent_from_one_read_of_the_report(
    region, django_assert_max_num_queries
):
    client = _english_client()
    client.post("/lapor/", form_data(region))
    client.post("/lapor/periksa/", {"action": "send"})
    report = Report.objects.get()
    # The session, the report, and the session's write (in a savepoint inside the test's
    # transaction): the code marked as shown.
    with django_assert_max_num_queries(5) as reads:
        html = client.get("/lapor/terima-kasih/").content.decode()
    report_reads = [q["sql"] for q in reads.captured_queries if "complaints_report" in q["sql"]]
    assert len(report_reads) == 1, report_reads
    for shown in (
        "Pemerintah Kota Magelang",
        "Puskesmas Jurangombo",
        "Puskesmas menolak kartu BPJS",
        "Health",
        f"{timezone.localtime(report.submitted_at):%-d %B %Y}",
    ):
        assert shown in html, shown


def test_the_receipt_of_a_report_to_the_whole_institution_names_no_unit(region):
    client = _english_client()
    client.post("/lapor/", form_data(region, unit=""))
    client.post("/lapor/periksa/", {"action": "send"})
    assert Report.objects.get().unit_id is None

    html = client.get("/lapor/terima-kasih/").content.decode()

    assert "Pemerintah Kota Magelang" in html and "Health" in html
    assert "Unit or office" not in html and "Puskesmas Jurangombo" not in html


def test_the_access_code_is_shown_only_once(region):
    client = _english_client()
    sent = send_report(client, region)
    again = client.get("/lapor/terima-kasih/")
    html = again.content.decode()
    assert sent.access_code not in html
    assert codes.normalise_access_code(sent.access_code) not in html
    assert "is not shown again" in html
    assert sent.number in html  # the number is not a secret
    assert "no-store" in again["Cache-Control"]


def test_another_browser_sees_no_receipt(region):
    send_report(_english_client(), region)
    html = _english_client().get("/lapor/terima-kasih/").content.decode()
    assert "A receipt is shown only right after a report is sent" in html


def test_no_email_no_promise_of_an_email(region):
    sent = send_report(_english_client(), region, email="")
    assert "e-mail address you gave" not in sent.receipt_html


def test_pressing_send_twice_makes_one_report(region):
    client = _english_client()
    send_report(client, region)
    response = client.post("/lapor/periksa/", {"action": "send"})
    assert response.status_code == 302 and response["Location"] == "/lapor/terima-kasih/"
    assert Report.objects.count() == 1


def test_review_without_a_draft_leads_back_to_the_form(region):
    response = _english_client().get("/lapor/periksa/")
    assert response.status_code == 302 and response["Location"] == "/lapor/"


def test_an_event_older_than_two_years_is_received_with_a_plain_warning(region):
    client = _english_client()
    client.post("/lapor/", form_data(region, occurred_on="2024-10-01"))
    review = client.get("/lapor/periksa/").content.decode()
    assert "This happened more than two years ago" in review
    assert "The Ombudsman, however, cannot take it formally" in review
    sent = send_report(client, region, occurred_on="2024-10-01")
    assert "the Ombudsman cannot take it formally" in sent.receipt_html
    assert sent.report.occurred_on.isoformat() == "2024-10-01"


def test_a_recent_event_gets_no_two_year_warning(region):
    client = _english_client()
    client.post("/lapor/", form_data(region, occurred_on="2025-06-01"))
    assert "more than two years ago" not in client.get("/lapor/periksa/").content.decode()


def test_an_anonymous_report_stores_no_identity_even_when_a_name_was_typed(region):
    client = _english_client()
    client.post("/lapor/", form_data(region, identity_mode="anonim", consent=None))
    review = client.get("/lapor/periksa/").content.decode()
    assert "Not stored: you report anonymously." in review
    assert CANARY_NAME not in review
    client.post("/lapor/periksa/", {"action": "send"})
    report = Report.objects.get()
    assert report.identity_mode == "anonim"
    assert not ReporterIdentity.objects.filter(report=report).exists()
    assert not Notification.objects.exists()


def test_a_service_refusal_at_send_time_is_shown_on_the_form_with_the_values(region, monkeypatch):
    client = _english_client()
    client.post("/lapor/", form_data(region))

    def refuse(**kwargs):
        raise ValidationError({"title": ["Give the report a short title."], "__all__": ["No."]})

    monkeypatch.setattr("tuntas.complaints.views_report.report_submit", refuse)
    response = client.post("/lapor/periksa/", {"action": "send"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Give the report a short title." in html and "<li>No.</li>" in html
    assert CANARY_NAME in html
    monkeypatch.undo()
    assert client.post("/lapor/periksa/", {"action": "send"}).status_code == 302  # still there


def test_the_draft_is_forgotten_after_a_day_and_its_files_swept(region):
    client = _english_client()
    client.post("/lapor/", form_data(region, action="units", attachments=[tiny_png()]))
    assert CANARY_NAME in client.get("/lapor/").content.decode()
    with time_machine.travel(NOW.timestamp() + 25 * 3600):
        assert CANARY_NAME not in client.get("/lapor/").content.decode()
    assert not any(staging_root().iterdir())


def test_emptying_the_form_deletes_the_draft_and_its_files(region):
    client = _english_client()
    client.post("/lapor/", form_data(region, action="units", attachments=[tiny_png()]))
    response = client.post("/lapor/", {"action": "discard"})
    assert response.status_code == 302
    assert CANARY_NAME not in client.get("/lapor/").content.decode()
    assert not any(staging_root().iterdir())


def test_the_draft_in_the_session_is_encrypted(region):
    from django.contrib.sessions.models import Session

    client = _english_client()
    client.post("/lapor/", form_data(region, action="units"))
    stored = " ".join(Session.objects.values_list("session_data", flat=True))
    decoded = " ".join(str(s.get_decoded()) for s in Session.objects.all())
    assert CANARY_NAME not in stored and CANARY_NAME not in decoded
    assert CANARY_NIK not in decoded


# --- The PDF receipt -----------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_receipt_of_a_confidential_report_does_not_name_the_reporter(region):
    client = _english_client()
    sent = send_report(client, region)
    response = client.get("/lapor/tanda-terima.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert f"tanda-terima-{sent.number}.pdf" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert sent.number in text
    assert sent.access_code in text
    assert "Pemerintah Kota Magelang" in text and "Puskesmas Jurangombo" in text
    assert "Puskesmas menolak kartu BPJS" in text and "Health" in text
    assert "10:0" in text and "WIB" in text  # Jakarta time
    assert "Kanari" not in text and CANARY_NIK not in text
    assert b"Kanari" not in response.content and CANARY_NIK.encode() not in response.content


def test_the_pdf_receipt_of_an_open_report_may_name_the_reporter(region):
    client = _english_client()
    send_report(client, region, identity_mode="terbuka")
    text = _pdf_text(client.get("/lapor/tanda-terima.pdf").content)
    assert CANARY_NAME in text
    assert CANARY_NIK not in text


def test_the_pdf_receipt_in_indonesian(region):
    client = Client()
    send_report(client, region)
    text = _pdf_text(client.get("/lapor/tanda-terima.pdf").content)
    assert "Kesehatan" in text and "Desember 2026" in text


def test_the_pdf_receipt_is_only_for_the_sending_browser_and_only_for_a_while(region):
    client = _english_client()
    send_report(client, region)
    assert _english_client().get("/lapor/tanda-terima.pdf").status_code == 404
    with time_machine.travel(NOW.timestamp() + 31 * 60):
        assert client.get("/lapor/tanda-terima.pdf").status_code == 404


# --- Escaping ------------------------------------------------------------------------------

XSS_TITLE = "<script>alert(1)</script>"
XSS_DESCRIPTION = '"><img src=x onerror=alert(1)> and more words to pass twenty'


def test_script_in_the_title_and_description_is_shown_as_text_everywhere(region):
    client = _english_client()
    client.post("/lapor/", form_data(region, title=XSS_TITLE, description=XSS_DESCRIPTION))
    pages = {"review": client.get("/lapor/periksa/").content.decode()}
    sent = send_report(client, region, title=XSS_TITLE, description=XSS_DESCRIPTION)
    pages["receipt"] = sent.receipt_html
    pages["tracking"] = client.get(f"/lacak/{sent.number}/").content.decode()
    for name, html in pages.items():
        assert "<script>alert(1)</script>" not in html, name
        assert "<img src=x onerror" not in html, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, name
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in pages["review"]
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in pages["tracking"]
    assert sent.report.title == XSS_TITLE  # stored as typed, escaped only when shown
