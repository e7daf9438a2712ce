"""A civic app of Kota Magelang with an Open311 key, and reports of every kind of privacy."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.complaints.test_report_submit import draft_for
from tuntas.complaints.identity import Identity
from tuntas.complaints.models import Report
from tuntas.complaints.services_intake import report_submit
from tuntas.exchange.models import ApiClient
from tuntas.exchange.services import api_client_create

BASE = "/open311/v2"
CANARY_NAME = "Canaryname Zzyzx"
CANARY_NIK = "3308011508850007"
CANARY_PHONE = "0812-9876-5432"
CANARY_EMAIL = "canaryname.zzyzx@contoh.test"
CANARY_TEXT = (
    f"Saya {CANARY_NAME} (NIK {CANARY_NIK}, HP {CANARY_PHONE}, {CANARY_EMAIL}) ditolak di loket "
    "pendaftaran karena kartu BPJS dianggap tidak aktif.\n\nHormat saya,\n" + CANARY_NAME
)
CANARIES = (CANARY_NAME, "Canaryname", "Zzyzx", CANARY_NIK, "98765432", CANARY_EMAIL)


@dataclass
class App:
    client: ApiClient
    key: str


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def app(region) -> App:
    client, key = api_client_create(
        actor=region.admin_magelang,
        institution=region.magelang,
        name="Aplikasi Lapor Warga",
        scopes=["submit"],
    )
    return App(client=client, key=key)


def canary_identity() -> Identity:
    return Identity(name=CANARY_NAME, nik=CANARY_NIK, phone=CANARY_PHONE, email=CANARY_EMAIL)


def make_report(
    region, *, visibility: str = "public", identity_mode: str = "rahasia", **extra
) -> Report:
    identity = None if identity_mode == "anonim" else canary_identity()
    values: dict[str, Any] = {
        "identity_mode": identity_mode,
        "identity": identity,
        "visibility": visibility,
        "description": CANARY_TEXT,
        "title": f"Pasien BPJS ditolak, kata saya {CANARY_NAME}",
        "address": "Jl. Pemuda No. 12",
        **extra,
    }
    return report_submit(draft=draft_for(region, **values), channel="web").report


def parse(response) -> Any:
    """The body as Python values: JSON as is, XML as an ElementTree root."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content.decode("utf-8"))
    return ET.fromstring(response.content)  # noqa: S314 - our own output, under test


Get = Callable[..., Any]


@pytest.fixture
def get(client: Client) -> Get:
    def send(path: str, **params: Any) -> Any:
        return client.get(f"{BASE}/{path}", {k: v for k, v in params.items() if v is not ...})

    return send


@pytest.fixture
def post(client: Client, app: App) -> Callable[..., Any]:
    def send(fmt: str = "json", *, key: str | None = "default", **fields: Any) -> Any:
        data = {"service_code": "kesehatan", "address_string": "Jl. Pemuda 12", **fields}
        if key == "default":
            key = app.key
        if key is not None:
            data["api_key"] = key
        return client.post(f"{BASE}/requests.{fmt}", data)

    return send
