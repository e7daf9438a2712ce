"""Shared pieces of the web-journey tests: a valid form, small files, the walk to the receipt."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tuntas.complaints.models import Category, Report

ENGLISH = {"tuntas_language": "en"}
CANARY_NAME = "Kanari Wibisono Sastrowardoyo"
CANARY_NIK = "3371015708850003"
# An MS-DOS/Windows executable header: sniffed as application/x-dosexec and refused.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(512)
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


# Tuesday 1 December 2026, mid-morning in Jakarta; every date in these tests is relative to it.
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def isolated_files_and_counters(settings: Any, tmp_path: Any) -> Iterator[None]:
    """A fixed clock; staged and stored files in a temporary directory; counters from zero."""
    settings.STAGING_DIR = tmp_path / "staging"
    settings.MEDIA_ROOT = tmp_path / "files"
    cache.clear()
    with time_machine.travel(NOW):
        yield
    cache.clear()


def tiny_png(name: str = "foto-loket.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def exe_file(name: str = "surat.exe") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EXE_BYTES, content_type="application/octet-stream")


def form_data(region: Any, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "action": "review",
        "title": "Puskesmas menolak kartu BPJS",
        "description": "Ibu saya ditolak di loket pendaftaran karena kartu BPJS dianggap tidak aktif.",
        "occurred_on": "2026-11-20",
        "institution": str(region.magelang.pk),
        "unit": str(region.magelang_puskesmas.pk),
        "service_name": "Pendaftaran pasien BPJS",
        "kecamatan": "Magelang Selatan",
        "kelurahan": "Jurangombo Utara",
        "category": str(Category.objects.get(slug="kesehatan").pk),
        "desired_outcome": "Ibu saya dilayani dengan kartu BPJS.",
        "identity_mode": "rahasia",
        "visibility": "private",
        "name": CANARY_NAME,
        "nik": CANARY_NIK,
        "phone": "0812-3456-7890",
        "email": "kanari@contoh.test",
        "consent": "on",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


@dataclass
class Sent:
    report: Report
    receipt_html: str
    access_code: str
    number: str


def send_report(client: Client, region: Any, **overrides: Any) -> Sent:
    """Form → review → Send → receipt, the way a browser without JavaScript does it."""
    response = client.post("/lapor/", form_data(region, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/lapor/periksa/"
    assert client.get("/lapor/periksa/").status_code == 200
    response = client.post("/lapor/periksa/", {"action": "send"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == "/lapor/terima-kasih/"
    receipt = client.get("/lapor/terima-kasih/")
    html = receipt.content.decode()
    code = re.search(r'id="access-code">([0-9A-Z-]+)<', html)
    number = re.search(r'id="report-number">([0-9A-Z-]+)<', html)
    assert code and number, html[:3000]
    return Sent(Report.objects.latest("submitted_at"), html, code.group(1), number.group(1))


def without_csrf(html: bytes) -> str:
    return CSRF_INPUT.sub("", html.decode())
