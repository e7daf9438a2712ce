"""Where SMS and WhatsApp messages leave: a file (default, for development) or an HTTP gateway.

``MESSAGE_GATEWAY`` names the class. ``HttpGateway`` is a generic JSON adapter that most
Indonesian SMS/WhatsApp aggregators can be configured to accept: ``POST MESSAGE_GATEWAY_URL``
with ``{"channel", "to", "text", "reference"}``, a bearer token, and an ``Idempotency-Key``
header so that a retried message is not delivered twice by providers that honour it; any 2xx
answer is success and its JSON ``id`` is kept.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class GatewayError(RuntimeError):
    pass


class MessageGateway(Protocol):
    def send(self, *, channel: str, to: str, body: str, reference: str = "") -> str:
        """Deliver one message; return the gateway's message id or raise GatewayError."""


class FileGateway:
    """Appends each message as a JSON line to var/outbox-messages.jsonl (development only)."""

    def send(self, *, channel: str, to: str, body: str, reference: str = "") -> str:
        path = Path(settings.VAR_DIR) / "outbox-messages.jsonl"
        line = json.dumps(
            {
                "at": timezone.now().isoformat(),
                "channel": channel,
                "to": to,
                "body": body,
                "reference": reference,
            },
            ensure_ascii=False,
        )
        # One write() of one line with O_APPEND: lines from concurrent workers do not interleave.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(descriptor, (line + "\n").encode())
        finally:
            os.close(descriptor)
        return f"file:{reference or path.stat().st_size}"


class HttpGateway:
    """A generic JSON-over-HTTPS SMS/WhatsApp provider: POST {channel, to, text} with a bearer token."""

    def __init__(self) -> None:
        self.url = str(getattr(settings, "MESSAGE_GATEWAY_URL", ""))
        self.token = str(getattr(settings, "MESSAGE_GATEWAY_TOKEN", ""))
        self.timeout = float(getattr(settings, "MESSAGE_GATEWAY_TIMEOUT_SECONDS", 10))
        if not self.url:
            raise GatewayError("MESSAGE_GATEWAY_URL is not set")

    def send(self, *, channel: str, to: str, body: str, reference: str = "") -> str:
        headers = {"Authorization": f"Bearer {self.token}"}
        if reference:
            headers["Idempotency-Key"] = reference
        try:
            response = requests.post(
                self.url,
                json={"channel": channel, "to": to, "text": body, "reference": reference},
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise GatewayError(f"gateway unreachable: {error.__class__.__name__}") from None
        if not 200 <= response.status_code < 300:
            raise GatewayError(f"gateway answered HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            return ""
        return str(answer.get("id", "")) if isinstance(answer, dict) else ""


def message_gateway() -> MessageGateway:
    gateway_class = import_string(settings.MESSAGE_GATEWAY)
    gateway: MessageGateway = gateway_class()
    return gateway
