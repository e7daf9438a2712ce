"""Following a report at /lacak/: look-up, status page, adding information, withdrawal."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from tests.complaints.web_helpers import (
    ENGLISH,
    NOW,
    exe_file,
    isolated_files_and_counters,  # noqa: F401  (autouse fixture)
    send_report,
    tiny_png,
    without_csrf,
)
from tuntas.audit.models import AuditEvent
from tuntas.complaints.models import Attachment

pytestmark = pytest.mark.django_db


def english_client(address: str = "203.0.113.7") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies.load(ENGLISH)
    return client


@pytest.fixture
def sent(region):
    return send_report(english_client("192.0.2.1"), region, attachments=[tiny_png()])


def look_up(client: Client, number: str, code: str):
    return client.post("/lacak/", {"number": number, "access_code": code})


def test_the_number_and_code_open_the_report_however_they_are_typed(sent):
    client = english_client()
    sloppy_code = sent.access_code.lower().replace("-", " ")
    sloppy_number = " " + sent.number.lower().replace("-", "") + " "
    response = look_up(client, sloppy_number, sloppy_code)
    assert response.status_code == 302
    assert response["Location"] == f"/lacak/{sent.number}/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Received \u2014 waiting for verification by the unit" in html
    assert "Pemerintah Kota Magelang" in html and "Puskesmas Jurangombo" in html
    assert "Report received" in html  # the public timeline
    assert "Puskesmas menolak kartu BPJS" in html and "Pendaftaran pasien BPJS" in html
    assert "foto-loket.png" in html
    assert "Kanari" not in html and "3371015708850003" not in html  # the identity is not shown


def test_a_wrong_number_and_a_wrong_code_get_the_same_answer(sent):
    wrong_number = look_up(english_client("198.51.100.1"), "LM-26AAAA-AAAA", sent.access_code)
    wrong_code = look_up(english_client("198.51.100.2"), sent.number, "ABCD-EFGH-JKMN-PQRS")
    assert wrong_number.status_code == wrong_code.status_code == 200
    assert without_csrf(wrong_number.content) == without_csrf(wrong_code.content)
    assert "No report matches this number and access code" in wrong_code.content.decode()
    assert sent.number not in wrong_code.content.decode()  # nothing typed is echoed


def test_eleven_failures_in_ten_minutes_are_refused_with_429(sent):
    client = english_client()
    for _ in range(10):
        assert look_up(client, "LM-26AAAA-AAAA", "ABCD-EFGH-JKMN-PQRS").status_code == 200
    refused = look_up(client, "LM-26AAAA-AAAA", "ABCD-EFGH-JKMN-PQRS")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    assert "Too many attempts" in refused.content.decode()
    assert "try again in 10 minutes" in refused.content.decode()
    # Even the right code waits: the lock is on the client, not on the guess.
    assert look_up(client, sent.number, sent.access_code).status_code == 429
    # Another client is not affected, and the window closes.
    assert look_up(english_client("198.51.100.9"), sent.number, sent.access_code).status_code == 302
    with time_machine.travel(NOW.timestamp() + 11 * 60):
        assert look_up(client, sent.number, sent.access_code).status_code == 302


def test_successful_look_ups_and_empty_forms_are_not_failures(sent):
    client = english_client()
    for _ in range(12):
        assert look_up(client, sent.number, sent.access_code).status_code == 302
        assert look_up(client, "", "").status_code == 200
    assert look_up(client, "LM-26AAAA-AAAA", "X").status_code == 200


def test_without_authorisation_a_report_page_shows_the_look_up_form_whether_or_not_it_exists(sent):
    client = english_client()
    existing = client.get(f"/lacak/{sent.number}/")
    missing = client.get("/lacak/LM-26AAAA-AAAA/")
    assert existing.status_code == missing.status_code == 200
    assert without_csrf(existing.content).replace(sent.number, "N") == without_csrf(
        missing.content
    ).replace("LM-26AAAA-AAAA", "N")
    assert "Puskesmas menolak" not in existing.content.decode()
    for action in ("tambah/", "tarik/"):
        assert (
            "Puskesmas menolak" not in client.get(f"/lacak/{sent.number}/{action}").content.decode()
        )


def test_the_authorisation_lasts_thirty_minutes(sent):
    client = english_client()
    look_up(client, sent.number, sent.access_code)
    with time_machine.travel(NOW.timestamp() + 29 * 60):
        assert "Puskesmas menolak" in client.get(f"/lacak/{sent.number}/").content.decode()
    with time_machine.travel(NOW.timestamp() + 31 * 60):
        assert "Puskesmas menolak" not in client.get(f"/lacak/{sent.number}/").content.decode()


def test_the_sending_browser_may_follow_its_report_at_once(region):
    client = english_client()
    sent = send_report(client, region)
    assert f'href="/lacak/{sent.number}/"' in sent.receipt_html
    assert "Puskesmas menolak" in client.get(f"/lacak/{sent.number}/").content.decode()


def test_the_reporter_adds_text_and_a_file(sent):
    client = english_client()
    look_up(client, sent.number, sent.access_code)
    response = client.post(
        f"/lacak/{sent.number}/tambah/",
        {"text": "Petugas loket bernama Pak Joko.", "attachments": [tiny_png("kuitansi.png")]},
    )
    assert response.status_code == 302 and response["Location"] == f"/lacak/{sent.number}/"
    html = client.get(response["Location"]).content.decode()
    assert "Your information was added to the report." in html
    assert "The reporter added information" in html and "Petugas loket bernama Pak Joko." in html
    assert "kuitansi.png" in html
    assert AuditEvent.objects.filter(action="report.information_added").count() == 1
    assert Attachment.objects.filter(report=sent.report).count() == 2


def test_a_refused_file_keeps_the_text_and_adds_nothing(sent):
    client = english_client()
    look_up(client, sent.number, sent.access_code)
    response = client.post(
        f"/lacak/{sent.number}/tambah/",
        {"text": "Bukti tambahan terlampir.", "attachments": [exe_file("bukti.exe")]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "bukti.exe: this kind of file" in html and "Nothing was added" in html
    assert "Bukti tambahan terlampir." in html
    assert not AuditEvent.objects.filter(action="report.information_added").exists()


def test_adding_nothing_is_explained(sent):
    client = english_client()
    look_up(client, sent.number, sent.access_code)
    html = client.post(f"/lacak/{sent.number}/tambah/", {"text": "  "}).content.decode()
    assert "Write a message or attach a file." in html


def test_the_reporter_withdraws_after_confirming(sent):
    client = english_client()
    look_up(client, sent.number, sent.access_code)
    page = client.get(f"/lacak/{sent.number}/tarik/")
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    unconfirmed = client.post(f"/lacak/{sent.number}/tarik/", {"reason": "Sudah beres."})
    assert "Tick the box to confirm the withdrawal." in unconfirmed.content.decode()
    assert "Sudah beres." in unconfirmed.content.decode()
    sent.report.refresh_from_db()
    assert sent.report.status == "received"

    done = client.post(f"/lacak/{sent.number}/tarik/", {"reason": "Sudah beres.", "confirm": "on"})
    assert done.status_code == 302
    sent.report.refresh_from_db()
    assert sent.report.status == "withdrawn"
    html = client.get(f"/lacak/{sent.number}/").content.decode()
    assert "Withdrawn by you" in html and "Sudah beres." in html
    assert "tambah/" not in html and "Withdraw this report" not in html
    again = client.get(f"/lacak/{sent.number}/tarik/")
    assert again.status_code == 302
