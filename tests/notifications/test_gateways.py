"""The HTTP message gateway against tiny servers on 127.0.0.1: success, refusal, silence."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tuntas.notifications.gateways import FileGateway, GatewayError, HttpGateway, message_gateway


class Provider(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, status: int, answer: bytes) -> None:
        super().__init__(("127.0.0.1", 0), ProviderHandler)
        self.status = status
        self.answer = answer
        self.requests: list[tuple[dict[str, str], dict]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/messages"


class ProviderHandler(BaseHTTPRequestHandler):
    server: Provider

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.server.requests.append((dict(self.headers), json.loads(self.rfile.read(length))))
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.server.answer)))
        self.end_headers()
        self.wfile.write(self.server.answer)

    def log_message(self, format: str, *args: object) -> None:
        pass


def running(provider: Provider) -> Iterator[Provider]:
    thread = threading.Thread(target=provider.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        provider.shutdown()
        provider.server_close()


@pytest.fixture
def provider_ok(settings) -> Iterator[Provider]:
    provider = Provider(200, b'{"id": "msg-8842"}')
    settings.MESSAGE_GATEWAY = "tuntas.notifications.gateways.HttpGateway"
    settings.MESSAGE_GATEWAY_URL = provider.url
    settings.MESSAGE_GATEWAY_TOKEN = "token-rahasia"
    yield from running(provider)


@pytest.fixture
def provider_down(settings) -> Iterator[Provider]:
    provider = Provider(500, b'{"error": "internal"}')
    settings.MESSAGE_GATEWAY_URL = provider.url
    yield from running(provider)


def test_a_message_posted_to_the_gateway_returns_its_id(provider_ok):
    gateway = message_gateway()
    assert isinstance(gateway, HttpGateway)
    message_id = gateway.send(
        channel="whatsapp", to="6281234567890", body="Laporan diterima.", reference="notification-9"
    )
    assert message_id == "msg-8842"
    ((headers, body),) = provider_ok.requests
    assert body == {
        "channel": "whatsapp",
        "to": "6281234567890",
        "text": "Laporan diterima.",
        "reference": "notification-9",
    }
    assert headers["Authorization"] == "Bearer token-rahasia"
    assert headers["Idempotency-Key"] == "notification-9"


def test_a_gateway_error_answer_raises_gateway_error(provider_down):
    with pytest.raises(GatewayError, match="HTTP 500"):
        HttpGateway().send(channel="sms", to="6281234567890", body="x")


def test_an_unreachable_gateway_raises_gateway_error_without_the_url_details(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MESSAGE_GATEWAY_URL = f"http://127.0.0.1:{port}/messages"
    with pytest.raises(GatewayError, match="unreachable"):
        HttpGateway().send(channel="sms", to="6281234567890", body="x")


def test_a_gateway_without_a_url_refuses_to_start(settings):
    settings.MESSAGE_GATEWAY_URL = ""
    with pytest.raises(GatewayError, match="MESSAGE_GATEWAY_URL"):
        HttpGateway()


def test_the_file_gateway_is_the_default(settings):
    settings.MESSAGE_GATEWAY = "tuntas.notifications.gateways.FileGateway"
    assert isinstance(message_gateway(), FileGateway)


@pytest.mark.django_db
def test_an_sms_goes_through_the_http_gateway_and_is_marked_sent(provider_ok):
    from django.db import transaction

    from tuntas.notifications.models import Notification, NotificationStatus
    from tuntas.notifications.services import notification_queue

    with transaction.atomic():
        notification_queue(channel="sms", to="6281234567890", body="Laporan diterima.")
    # Inside the test transaction the on_commit callback has not run; run the send directly.
    from tuntas.notifications.services import notification_send

    notification = notification_send(notification_id=Notification.objects.get().pk)
    assert notification.status == NotificationStatus.SENT
    assert len(provider_ok.requests) == 1


@pytest.mark.django_db
def test_an_sms_refused_by_the_gateway_stays_queued_for_a_retry(provider_down, settings):
    from django.db import transaction

    from tuntas.notifications.models import Notification, NotificationStatus
    from tuntas.notifications.services import notification_queue, notification_send

    settings.MESSAGE_GATEWAY = "tuntas.notifications.gateways.HttpGateway"
    with transaction.atomic():
        notification = notification_queue(channel="sms", to="6281234567890", body="x")
    with pytest.raises(GatewayError):
        notification_send(notification_id=notification.pk)
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.QUEUED
    assert notification.last_error == "GatewayError: gateway answered HTTP 500"
