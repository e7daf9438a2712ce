"""What an officer sees of reports: the list, one report, its reporter and its files."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.factories import staff_member
from tuntas.audit.models import AuditEvent
from tuntas.complaints.identity import Identity
from tuntas.complaints.models import Category
from tuntas.complaints.services import report_withdraw
from tuntas.complaints.services_intake import ReportDraft, report_submit

SECRET_NAME = "Rahasiawati Kusumaningrum"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.VAR_DIR = tmp_path


def png_upload(name: str = "jalan.png") -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (10, 10), (10, 120, 200)).save(output, format="PNG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/png")


def file_report(region, *, institution=None, unit=None, mode="terbuka", channel="web", **extra):
    values = {
        "institution": institution or region.magelang,
        "unit": unit if unit is not None else region.magelang_pupr,
        "category": Category.objects.get(slug="infrastruktur"),
        "title": extra.pop("title", "Jalan berlubang di Jalan Pahlawan"),
        "description": "Lubang besar di tengah jalan membahayakan pengendara sepeda motor.",
        "identity_mode": mode,
        "identity": Identity(name=SECRET_NAME, phone="081234567890", email="rahasia@contoh.test"),
        "consent": True,
    }
    values.update(extra)
    return report_submit(draft=ReportDraft(**values), channel=channel).report


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["tuntas_language"] = "en"
    return client


# --- The list -----------------------------------------------------------------------------


def test_the_list_shows_the_reports_in_scope_newest_first(region):
    with time_machine.travel("2026-11-02 09:00 +07:00", tick=False):
        older = file_report(region, title="Laporan yang lebih lama")
    with time_machine.travel("2026-11-03 09:00 +07:00", tick=False):
        newer = file_report(region, title="Laporan yang lebih baru")
        file_report(region, institution=region.sleman, unit=region.sleman_dukcapil, title="Sleman")
    page = client_for(region.petugas_siti).get("/staf/laporan/").content.decode()
    assert page.index(newer.public_number) < page.index(older.public_number)
    assert "Sleman" not in page
    assert "Dinas Pekerjaan Umum" in page and "Web form" in page and "Infrastructure" in page
    assert "2026-11-03" in page


def test_the_list_filters_by_channel_and_status(region):
    by_sms = file_report(region, channel="sms", title="Lewat SMS")
    withdrawn = file_report(region, title="Ditarik kembali")
    report_withdraw(report=withdrawn, reason="sudah selesai")
    client = client_for(region.pimpinan_magelang)
    page = client.get("/staf/laporan/?channel=sms").content.decode()
    assert by_sms.public_number in page and withdrawn.public_number not in page
    page = client.get("/staf/laporan/?status=withdrawn").content.decode()
    assert withdrawn.public_number in page and by_sms.public_number not in page
    # An unknown filter value is ignored rather than failing.
    assert client.get("/staf/laporan/?channel=carrier-pigeon").status_code == 200


def test_the_list_is_paginated_by_25_and_keeps_the_filter_on_the_next_page(region):
    for number in range(27):
        file_report(region, title=f"Laporan nomor {number}", channel="phone")
    client = client_for(region.pimpinan_magelang)
    first = client.get("/staf/laporan/?channel=phone").content.decode()
    assert first.count("/staf/laporan/LM-") == 25
    assert "channel=phone&amp;page=2" in first
    second = client.get("/staf/laporan/?channel=phone&page=2").content.decode()
    assert second.count("/staf/laporan/LM-") == 2


def test_the_list_costs_a_fixed_number_of_queries(region, django_assert_max_num_queries):
    for number in range(30):
        file_report(region, title=f"Laporan {number}")
    client = client_for(region.asisten_andi)
    client.get("/staf/laporan/")  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get("/staf/laporan/")
    assert response.status_code == 200


def test_people_who_are_not_staff_do_not_reach_the_list(region, client):
    assert client.get("/staf/laporan/").status_code == 302  # to the sign-in page
    assert client_for(region.warga_budi).get("/staf/laporan/").status_code == 404


# --- One report ---------------------------------------------------------------------------


def test_a_report_out_of_scope_is_a_404_like_one_that_does_not_exist(region):
    report = file_report(region, institution=region.sleman, unit=region.sleman_dukcapil)
    client = client_for(region.petugas_siti)
    assert client.get(f"/staf/laporan/{report.public_number}/").status_code == 404
    assert client.get("/staf/laporan/LM-26ZZZZZZZZ/").status_code == 404
    assert client.get("/staf/laporan/bukan-nomor/").status_code == 404
    assert (
        client_for(region.asisten_diy).get(f"/staf/laporan/{report.public_number}/").status_code
        == 200
    )


def test_an_open_identity_is_shown_to_whoever_sees_the_report(region):
    report = file_report(region, mode="terbuka")
    page = client_for(region.petugas_siti).get(f"/staf/laporan/{report.public_number}/")
    assert SECRET_NAME in page.content.decode()
    assert not AuditEvent.objects.filter(action="report.identity_viewed").exists()


def test_an_anonymous_reporter_is_shown_as_anonymous(region):
    report = file_report(region, mode="anonim")
    page = client_for(region.asisten_andi).get(f"/staf/laporan/{report.public_number}/")
    assert "Anonymous" in page.content.decode() and SECRET_NAME not in page.content.decode()


def test_a_confidential_identity_is_withheld_from_a_unit_officer(region):
    report = file_report(region, mode="rahasia")
    client = client_for(region.petugas_siti)
    page = client.get(f"/staf/laporan/{report.public_number}/").content.decode()
    assert "Reporter withheld" in page and SECRET_NAME not in page
    assert "Show the reporter" not in page
    revealed = client.post(f"/staf/laporan/{report.public_number}/identitas/").content.decode()
    assert SECRET_NAME not in revealed and "Reporter withheld" in revealed
    assert not AuditEvent.objects.filter(action="report.identity_viewed").exists()


@pytest.mark.parametrize("who", ["privacy_officer", "asisten_andi"])
def test_a_confidential_identity_is_shown_on_request_to_the_privacy_officer_and_the_ombudsman(
    region, who
):
    if who == "privacy_officer":
        reader = staff_member(
            role="petugas_privasi", institution=region.magelang, email="privasi@contoh.test"
        )
    else:
        reader = region.asisten_andi
    report = file_report(region, mode="rahasia")
    client = client_for(reader)
    page = client.get(f"/staf/laporan/{report.public_number}/").content.decode()
    assert SECRET_NAME not in page and "Show the reporter" in page
    assert not AuditEvent.objects.filter(action="report.identity_viewed").exists()

    response = client.post(f"/staf/laporan/{report.public_number}/identitas/")
    assert SECRET_NAME in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="report.identity_viewed")
    assert event.actor == reader
    assert event.object_id == str(report.pk)
    assert event.institution_id == region.magelang.pk


def test_the_privacy_officer_of_another_institution_does_not_even_see_the_report(region):
    reader = staff_member(
        role="petugas_privasi", institution=region.purworejo, email="privasi.pwr@contoh.test"
    )
    report = file_report(region, mode="rahasia")
    client = client_for(reader)
    assert client.get(f"/staf/laporan/{report.public_number}/").status_code == 404
    assert client.post(f"/staf/laporan/{report.public_number}/identitas/").status_code == 404


# --- Attachments --------------------------------------------------------------------------


def test_an_attachment_downloads_as_the_safe_copy_with_protective_headers(region, settings):
    report = file_report(region, uploads=[png_upload("jalan<script>.png")])
    attachment = report.attachments.get()
    client = client_for(region.petugas_siti)
    page = client.get(f"/staf/laporan/{report.public_number}/").content.decode()
    url = f"/staf/laporan/{report.public_number}/lampiran/{attachment.pk}/"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".png" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    safe = (settings.MEDIA_ROOT / "attachments" / attachment.safe_name).read_bytes()
    assert body == safe
    assert attachment.safe_name != attachment.stored_name


def test_an_attachment_out_of_scope_is_a_404(region):
    report = file_report(region, uploads=[png_upload()])
    attachment = report.attachments.get()
    url = f"/staf/laporan/{report.public_number}/lampiran/{attachment.pk}/"
    assert client_for(region.petugas_purworejo).get(url).status_code == 404
    assert client_for(region.petugas_dinkes).get(url).status_code == 404  # another unit


def test_an_attachment_of_another_report_is_not_served_through_this_one(region):
    mine = file_report(region)
    theirs = file_report(
        region, institution=region.sleman, unit=region.sleman_dukcapil, uploads=[png_upload()]
    )
    url = f"/staf/laporan/{mine.public_number}/lampiran/{theirs.attachments.get().pk}/"
    assert client_for(region.petugas_siti).get(url).status_code == 404
