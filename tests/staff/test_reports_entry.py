"""An officer enters a walk-in or telephone report and gives the reporter its number and code."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tuntas.audit.models import AuditEvent
from tuntas.complaints import codes
from tuntas.complaints.identity import unseal
from tuntas.complaints.models import Category, Report

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.VAR_DIR = tmp_path


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["tuntas_language"] = "en"
    return client


def form_data(region, **overrides) -> dict:
    data = {
        "channel": "walk_in",
        "institution": region.magelang.pk,
        "unit": region.magelang_pupr.pk,
        "category": Category.objects.get(slug="infrastruktur").pk,
        "title": "Saluran air tersumbat",
        "description": "Saluran air di Jalan Tidar tersumbat sampah sehingga banjir setiap hujan.",
        "visibility": "private",
        "identity_mode": "terbuka",
        "name": "Ibu Suparmi",
        "phone": "0812-1111-2222",
        "reporter_address": "Jl. Tidar 5, Magelang",
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("channel", ["walk_in", "phone"])
def test_an_officer_entry_creates_a_report_and_shows_its_number_and_code_once(region, channel):
    client = client_for(region.petugas_siti)
    assert client.get("/staf/laporan/baru/").status_code == 200
    response = client.post("/staf/laporan/baru/", form_data(region, channel=channel))
    assert response.status_code == 302
    assert response["Location"] == "/staf/laporan/baru/selesai/"
    report = Report.objects.get()
    assert report.channel == channel
    assert report.entered_by == region.petugas_siti
    assert report.unit == region.magelang_pupr
    assert unseal(report.identity.sealed).name == "Ibu Suparmi"
    event = AuditEvent.objects.get(action="report.submitted")
    assert event.actor == region.petugas_siti and event.data["channel"] == channel

    receipt = client.get("/staf/laporan/baru/selesai/")
    page = receipt.content.decode()
    assert codes.format_public_number(report.public_number) in page
    code = CODE.search(page).group(0)
    assert codes.access_code_matches(code, report.access_code_hash)
    assert "no-cache" in receipt["Cache-Control"] or "no-store" in receipt["Cache-Control"]
    # Shown once: reloading does not show the code again.
    again = client.get("/staf/laporan/baru/selesai/", follow=True)
    assert not CODE.search(again.content.decode())

    # The officers of the receiving institution see it; another institution's do not.
    assert report.public_number in client.get("/staf/laporan/").content.decode()
    assert (
        client_for(region.pimpinan_magelang)
        .get(f"/staf/laporan/{report.public_number}/")
        .status_code
        == 200
    )
    assert (
        client_for(region.petugas_purworejo)
        .get(f"/staf/laporan/{report.public_number}/")
        .status_code
        == 404
    )


def test_without_the_reporters_consent_nothing_is_saved_and_nothing_typed_is_lost(region):
    client = client_for(region.petugas_siti)
    response = client.post("/staf/laporan/baru/", form_data(region, consent=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page
    assert "Saluran air di Jalan Tidar tersumbat" in page
    assert 'value="Ibu Suparmi"' in page
    assert not Report.objects.exists()


def test_an_anonymous_entry_needs_no_consent_and_stores_no_identity(region):
    client = client_for(region.petugas_siti)
    response = client.post(
        "/staf/laporan/baru/", form_data(region, identity_mode="anonim", consent="")
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.identity_mode == "anonim"
    assert not hasattr(report, "identity") or report.identity is None


def test_an_institution_or_unit_out_of_the_officers_scope_cannot_be_chosen(region):
    client = client_for(region.petugas_siti)
    response = client.post(
        "/staf/laporan/baru/",
        form_data(region, institution=region.sleman.pk, unit=region.sleman_dukcapil.pk),
    )
    assert response.status_code == 200
    assert not Report.objects.exists()
    # A unit of the institution that is not the officer's own would hide the report from them.
    response = client.post("/staf/laporan/baru/", form_data(region, unit=region.magelang_dinkes.pk))
    assert response.status_code == 200
    assert not Report.objects.exists()
    response = client.post("/staf/laporan/baru/", form_data(region, unit=""))
    assert "Choose your unit" in response.content.decode()
    assert not Report.objects.exists()


def test_the_ombudsman_enters_a_walk_in_report_about_an_institution_in_its_jurisdiction(region):
    client = client_for(region.asisten_andi)
    response = client.post(
        "/staf/laporan/baru/", form_data(region, institution=region.purworejo.pk, unit="")
    )
    assert response.status_code == 302
    assert Report.objects.get().institution == region.purworejo


def test_a_refused_file_stops_the_entry_with_a_message_naming_it(region):
    client = client_for(region.petugas_siti)
    data = form_data(region)
    data["attachments"] = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post("/staf/laporan/baru/", data)
    assert response.status_code == 200
    assert "virus.exe" in response.content.decode()
    assert not Report.objects.exists()


def test_scanned_documents_are_attached_to_the_entry(region):
    output = io.BytesIO()
    Image.new("RGB", (12, 12), (0, 0, 0)).save(output, format="PNG")
    data = form_data(region)
    data["attachments"] = [
        SimpleUploadedFile("surat-1.png", output.getvalue()),
        SimpleUploadedFile("surat-2.png", output.getvalue()),
    ]
    response = client_for(region.petugas_siti).post("/staf/laporan/baru/", data)
    assert response.status_code == 302
    assert Report.objects.get().attachments.count() == 2


def test_staff_without_any_institution_and_citizens_cannot_open_the_form(region):
    from tests.factories import UserFactory

    nobody = UserFactory(email="tanpa.peran@contoh.test")
    assert client_for(nobody).get("/staf/laporan/baru/").status_code == 404
    assert client_for(region.warga_budi).get("/staf/laporan/baru/").status_code == 404
