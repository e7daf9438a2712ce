"""The SMS/WhatsApp gateway webhook: signature check and payload parsing.

The gateway POSTs one JSON object per received message::

    {"channel": "sms" | "whatsapp", "from": "+62812...", "message_id": "...",
     "text": "...", "received_at": "2026-12-01T08:00:00+07:00"}

signed with ``X-Tuntas-Signature: sha256=<hex HMAC-SHA256 of the raw body>`` under
``settings.MESSAGE_WEBHOOK_SECRET``. What becomes of the message is decided by
``services_threading.channel_message_ingest``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from tuntas.complaints.identity import normalise_phone
from tuntas.complaints.models import Channel
from tuntas.complaints.services_threading import ChannelMessage

SIGNATURE_HEADER = "X-Tuntas-Signature"
SIGNATURE_PREFIX = "sha256="
MAX_TEXT_LENGTH = 5000


class WebhookError(Exception):
    """A request the webhook refuses: HTTP status, machine code, readable message, field."""

    def __init__(self, status: int, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def webhook_secret() -> str:
    return str(getattr(settings, "MESSAGE_WEBHOOK_SECRET", "") or "")


def signature_for(body: bytes, secret: str) -> str:
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_verify(*, body: bytes, header: str | None) -> None:
    """Raise WebhookError unless ``header`` is the HMAC of ``body`` under the shared secret."""
    secret = webhook_secret()
    if not secret:
        raise WebhookError(503, "not_configured", _("The message webhook is not configured."))
    if not header:
        raise WebhookError(
            401,
            "signature_missing",
            _("The request is not signed (header %(header)s).") % {"header": SIGNATURE_HEADER},
        )
    expected = signature_for(body, secret)
    # Constant time, so that the signature cannot be guessed byte by byte.
    if not hmac.compare_digest(expected.encode(), header.strip().lower().encode()):
        raise WebhookError(401, "signature_invalid", _("The request signature does not match."))


def _required_text(payload: dict[str, Any], name: str, *, max_length: int) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise WebhookError(
            400, "field_required", _("The field %(field)s is required.") % {"field": name}, name
        )
    if len(value) > max_length:
        raise WebhookError(
            400,
            "field_too_long",
            _("The field %(field)s is longer than %(count)d characters.")
            % {"field": name, "count": max_length},
            name,
        )
    return value.strip()


def message_from_payload(body: bytes) -> ChannelMessage:
    """Parse and check the gateway's JSON; raise WebhookError (400) naming the bad field."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise WebhookError(400, "invalid_json", _("The body is not valid JSON.")) from None
    if not isinstance(payload, dict):
        raise WebhookError(400, "invalid_json", _("The body must be a JSON object."))
    channel = payload.get("channel")
    if channel not in (Channel.SMS, Channel.WHATSAPP):
        raise WebhookError(
            400, "invalid_channel", _("The channel must be “sms” or “whatsapp”."), "channel"
        )
    sender = _required_text(payload, "from", max_length=30)
    if not 8 <= len(normalise_phone(sender)) <= 15:
        raise WebhookError(400, "invalid_phone", _("The sender is not a telephone number."), "from")
    message_id = _required_text(payload, "message_id", max_length=200)
    text = _required_text(payload, "text", max_length=MAX_TEXT_LENGTH)
    received_at = None
    if payload.get("received_at") not in (None, ""):
        raw = payload["received_at"]
        received_at = parse_datetime(raw) if isinstance(raw, str) else None
        if received_at is None:
            raise WebhookError(
                400,
                "invalid_datetime",
                _("The field received_at must be an ISO 8601 date and time."),
                "received_at",
            )
        if timezone.is_naive(received_at):
            received_at = timezone.make_aware(received_at)
    return ChannelMessage(
        channel=channel,
        message_id=message_id,
        sender=sender,
        text=text,
        number_source=text,
        received_at=received_at,
    )
