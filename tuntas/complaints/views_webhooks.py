"""Inbound channel webhooks (/kanal/): the SMS/WhatsApp gateway posts received messages here.

The view only checks the signature, parses, calls the intake service and answers in JSON;
the reporter's answer (receipt, refusal) travels back as an outgoing message, not here.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tuntas.complaints.abuse import (
    Limit,
    client_ip,
    limit_hit,
    limit_reached,
    message_sender_limit,
    webhook_failure_limit,
)
from tuntas.complaints.channels_messaging import (
    SIGNATURE_HEADER,
    WebhookError,
    message_from_payload,
    signature_verify,
)
from tuntas.complaints.identity import normalise_phone
from tuntas.complaints.services_threading import ChannelNotConfigured, channel_message_ingest

logger = logging.getLogger(__name__)


def _error(status: int, code: str, message: str, field: str = "") -> JsonResponse:
    error: dict[str, str] = {"code": code, "message": message}
    if field:
        error["field"] = field
    return JsonResponse({"error": error}, status=status)


def _throttled(limit: Limit) -> JsonResponse:
    response = _error(
        429,
        "rate_limited",
        _("Too many messages. Deliver this one again in %(minutes)d minutes.")
        % {"minutes": limit.minutes},
    )
    response["Retry-After"] = str(limit.window)
    return response


@csrf_exempt  # signed by the gateway (HMAC) instead; there is no browser session here
def message_webhook(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = _error(405, "method_not_allowed", _("Send messages with POST."))
        response["Allow"] = "POST"
        return response
    address, failures = client_ip(request), webhook_failure_limit()
    if limit_reached(failures, address):
        return _throttled(failures)
    try:
        signature_verify(body=request.body, header=request.headers.get(SIGNATURE_HEADER))
        message = message_from_payload(request.body)
    except WebhookError as error:
        limit_hit(failures, address)
        return _error(error.status, error.code, error.message, error.field)
    # Per sender, not per address: every message arrives from the gateway's one address.
    sender, per_sender = normalise_phone(message.sender), message_sender_limit()
    if limit_reached(per_sender, sender):
        return _throttled(per_sender)
    try:
        outcome = channel_message_ingest(message=message)
    except ChannelNotConfigured as error:
        logger.error("message webhook: %s", error)
        # Nothing was stored: 503 makes the gateway deliver the message again later.
        return _error(503, "not_configured", _("No institution is set up to take messages."))
    if outcome.outcome != "duplicate":  # a gateway's retry of the same message is not another
        limit_hit(per_sender, sender)
    body: dict[str, object] = {"status": outcome.outcome}
    if outcome.report is not None:
        body["report"] = outcome.report.public_number
    if outcome.errors:
        body["errors"] = list(outcome.errors)
    return JsonResponse(body, status=201 if outcome.outcome == "created" else 200)
