"""Two peers on one database, looped back: Kota Magelang's side refers to the Ombudsman's side.

In these in-process tests the HTTP request of the worker is routed into Django's test client,
so that both sides' code runs for real (signature, intake, status back) on one test database.
tests/referrals/test_two_instances.py runs the same between two real servers.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings

from tuntas.referrals.models import Peer
from tuntas.referrals.services import peer_create

SECRET = "rahasia-bersama-" + "x" * 32


@dataclass
class Peers:
    ombudsman: Peer  # at Magelang's side: the Ombudsman's instance
    magelang: Peer  # at the Ombudsman's side: Magelang's instance


@pytest.fixture(autouse=True)
def fast_retries():
    with override_settings(WEBHOOK_RETRY_BASE_SECONDS=0, WEBHOOK_MAX_ATTEMPTS=3):
        yield


@pytest.fixture
def peers(region) -> Peers:
    ombudsman = peer_create(
        name="Tuntas Ombudsman RI Jawa Tengah",
        slug="ombudsman-jateng",
        base_url="http://peer.test",
        our_id="kota-magelang",
        secret=SECRET,
        institution=region.magelang,
        is_ombudsman=True,
        actor=region.admin_rina,
    )
    magelang = peer_create(
        name="Tuntas Kota Magelang",
        slug="kota-magelang",
        base_url="http://peer.test",
        our_id="ombudsman-jateng",
        secret=SECRET,
        institution=region.jateng,
        actor=region.admin_rina,
    )
    return Peers(ombudsman=ombudsman, magelang=magelang)


class FakeResponse:
    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code = status_code
        self.content = content
        self.text = content.decode(errors="replace")
        self.raw = io.BytesIO(content)
        self.raw.read = lambda size=-1, decode_content=True, _r=self.raw.read: _r(size)  # type: ignore[method-assign]

    def json(self) -> Any:
        return json.loads(self.content)

    def close(self) -> None:
        pass


@dataclass
class Wire:
    calls: list[tuple[str, bytes, int]]
    down: bool = False


@pytest.fixture
def wire(monkeypatch) -> Wire:
    """The worker's requests.post, answered by this process's Django app."""
    from tuntas.webhooks import engine

    record = Wire(calls=[])

    def post(url: str, *, data: bytes, headers: dict[str, str], **kwargs: Any) -> FakeResponse:
        if record.down:
            raise engine.requests.ConnectionError("peer down")
        extra = {name: value for name, value in headers.items() if name != "Content-Type"}
        answer = Client().generic(
            "POST", urlsplit(url).path, data, content_type="application/json", headers=extra
        )
        record.calls.append((urlsplit(url).path, data, answer.status_code))
        return FakeResponse(answer.status_code, answer.content)

    def get(url: str, *, headers: dict[str, str], **kwargs: Any) -> FakeResponse:
        if record.down:
            raise engine.requests.ConnectionError("peer down")
        answer = Client().get(urlsplit(url).path, headers=headers)
        content = b"".join(answer.streaming_content) if answer.streaming else answer.content
        record.calls.append((urlsplit(url).path, b"", answer.status_code))
        return FakeResponse(answer.status_code, content)

    monkeypatch.setattr(engine.requests, "post", post)
    monkeypatch.setattr(engine.requests, "get", get)
    return record
