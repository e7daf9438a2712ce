"""A channel system of Kota Magelang with its key, and a helper that posts like one."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tuntas.exchange.models import ApiClient
from tuntas.exchange.services import api_client_create

REPORTS_URL = "/api/v1/reports"


@dataclass
class Channel:
    client: ApiClient
    key: str


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture
def channel(region) -> Channel:
    client, key = api_client_create(
        actor=region.admin_magelang,
        institution=region.magelang,
        name="SP4N-LAPOR! connector",
        scopes=["submit", "read"],
    )
    return Channel(client=client, key=key)


def report_body(region, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "institution": region.magelang.slug,
        "unit": region.magelang_puskesmas.pk,
        "category": "kesehatan",
        "title": "Puskesmas menolak pasien BPJS",
        "description": "Ibu saya ditolak di loket pendaftaran karena kartu BPJS dianggap tidak aktif.",
        "identity_mode": "rahasia",
        "identity": {
            "name": "Kanari Wibisono",
            "phone": "0812-3456-7890",
            "email": "kanari@contoh.test",
        },
        "consent": True,
        "external_id": "LAPOR-0001",
    }
    body.update(overrides)
    return {name: value for name, value in body.items() if value is not ...}


Post = Callable[..., Any]


@pytest.fixture
def post(client: Client, channel: Channel) -> Post:
    """POST a JSON body with the channel's key; ``key=None`` sends none, headers add more."""

    def send(
        body: Any, *, key: str | None = "default", raw: bytes | None = None, **headers: str
    ) -> Any:
        if key == "default":
            key = channel.key
        if key is not None:
            headers.setdefault("Authorization", f"Bearer {key}")
        content_type = headers.pop("content_type", "application/json")
        data = raw if raw is not None else json.dumps(body)
        return client.post(REPORTS_URL, data=data, content_type=content_type, headers=headers)

    return send
