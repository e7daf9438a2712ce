"""Rate limits of the SMS/WhatsApp webhook: per sender for messages, per address for bad calls."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from tests.complaints.test_channel_messages import (
    COMPLAINT,
    PHONE,
    channel_settings,  # noqa: F401  (autouse fixture)
    message,
    post,
)
from tuntas.complaints.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limits(settings):
    cache.clear()
    settings.MESSAGES_PER_SENDER_PER_WINDOW = 3
    settings.MESSAGES_PER_SENDER_WINDOW_SECONDS = 3600
    settings.MESSAGE_WEBHOOK_FAILURES_PER_WINDOW = 2
    settings.MESSAGE_WEBHOOK_FAILURE_WINDOW_SECONDS = 600
    yield
    cache.clear()


def test_a_sender_beyond_the_limit_is_told_429_with_retry_after_and_nothing_is_stored(
    region, client
):
    with time_machine.travel("2026-12-01 08:00 +0700", tick=False):
        for number in range(3):
            response = post(
                client, message(message_id=f"gw-{number}", text=f"{COMPLAINT} {number}")
            )
            assert response.status_code == 201
        refused = post(client, message(message_id="gw-9", text=f"{COMPLAINT} lagi"))
        assert refused.status_code == 429
        assert refused["Retry-After"] == "3600"
        assert refused.json()["error"]["code"] == "rate_limited"
        assert Report.objects.count() == 3
        # The same phone written another way is the same sender; another phone is not limited.
        local = post(client, message(message_id="gw-10", **{"from": "0" + PHONE[3:]}))
        assert local.status_code == 429
        other = post(client, message(message_id="gw-11", **{"from": "+6285700001111"}))
        assert other.status_code == 201
    # The gateway's later delivery is taken once the window has passed.
    with time_machine.travel("2026-12-01 09:01 +0700", tick=False):
        assert post(client, message(message_id="gw-9", text=f"{COMPLAINT} lagi")).status_code == 201


def test_a_gateway_retry_of_the_same_message_does_not_count_against_the_sender(region, client):
    for _ in range(5):
        assert post(client, message(message_id="gw-0001")).status_code in (200, 201)
    assert Report.objects.count() == 1
    assert post(client, message(message_id="gw-0002", text=f"{COMPLAINT} dua")).status_code == 201


def test_repeated_bad_signatures_from_one_address_are_refused_even_when_signed_later(
    region, client
):
    for _ in range(2):
        assert post(client, message(), secret="wrong-secret").status_code == 401
    refused = post(client, message())
    assert refused.status_code == 429 and refused["Retry-After"] == "600"
    assert not Report.objects.exists()
    other_gateway = Client(REMOTE_ADDR="192.0.2.200")
    assert post(other_gateway, message()).status_code == 201
