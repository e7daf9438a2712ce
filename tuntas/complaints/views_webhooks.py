"""Inbound channel webhooks (/kanal/): the SMS/WhatsApp gateway posts received messages here.

The view only checks the signature, parses, calls the intake service and answers in JSON;
the reporter's answer (receipt, refusal) travels back as an outgoing message, not here.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tuntas.complaints.channels_messaging import (
    SIGNATURE_HEADER,
    WebhookError,
    message_from_payload,
    signature_verify,
)
from tuntas.complaints.services_threading import ChannelNotConfigured, channel_message_ingest

logger = logging.getLogger(__name__)


def _error(status: int, code: str, message: str, field: str = "") -> JsonResponse:
    error: dict[str, str] = {"code": code, "message": message}
    if field:
        error["field"] = field
    return JsonResponse({"error": error}, status=status)


@csrf_exempt  # signed by the gateway (HMAC) instead; there is no browser session here
def message_webhook(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = _error(405, "method_not_allowed", _("Send messages with POST."))
        response["Allow"] = "POST"
        return response
    try:
        signature_verify(body=request.body, header=request.headers.get(SIGNATURE_HEADER))
        message = message_from_payload(request.body)
    except WebhookError as error:
        return _error(error.status, error.code, error.message, error.field)
    try:
        outcome = channel_message_ingest(message=message)
    except ChannelNotConfigured as error:
        logger.error("message webhook: %s", error)
        # Nothing was stored: 503 makes the gateway deliver the message again later.
        return _error(503, "not_configured", _("No institution is set up to take messages."))
    body: dict[str, object] = {"status": outcome.outcome}
    if outcome.report is not None:
        body["report"] = outcome.report.public_number
    if outcome.errors:
        body["errors"] = list(outcome.errors)
    return JsonResponse(body, status=201 if outcome.outcome == "created" else 200)
