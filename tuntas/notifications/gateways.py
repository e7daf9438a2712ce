"""Where SMS and WhatsApp messages leave: a file (default, for development) or an HTTP gateway."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class GatewayError(RuntimeError):
    pass


class MessageGateway(Protocol):
    def send(self, *, channel: str, to: str, body: str) -> str:
        """Deliver one message; return the gateway's message id or raise GatewayError."""


class FileGateway:
    """Appends each message as a JSON line to var/outbox-messages.jsonl."""

    def send(self, *, channel: str, to: str, body: str) -> str:
        path = Path(settings.VAR_DIR) / "outbox-messages.jsonl"
        line = json.dumps(
            {"at": timezone.now().isoformat(), "channel": channel, "to": to, "body": body}
        )
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return f"file:{path.stat().st_size}"


class HttpGateway:
    """A generic JSON-over-HTTPS SMS/WhatsApp provider: POST {channel, to, text} with a bearer token."""

    def __init__(self) -> None:
        self.url = settings.MESSAGE_GATEWAY_URL
        self.token = settings.MESSAGE_GATEWAY_TOKEN
        if not self.url:
            raise GatewayError("MESSAGE_GATEWAY_URL is not set")

    def send(self, *, channel: str, to: str, body: str) -> str:
        try:
            response = requests.post(
                self.url,
                json={"channel": channel, "to": to, "text": body},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=10,
            )
        except requests.RequestException as error:
            raise GatewayError(f"gateway unreachable: {error.__class__.__name__}") from None
        if response.status_code >= 300:
            raise GatewayError(f"gateway answered HTTP {response.status_code}")
        try:
            return str(response.json().get("id", ""))
        except ValueError:
            return ""


def message_gateway() -> MessageGateway:
    gateway_class = import_string(settings.MESSAGE_GATEWAY)
    return gateway_class()
