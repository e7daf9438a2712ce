"""Delivery: signed, retried with back-off, dead-lettered, replayed, in order per case."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json

import time_machine
from django.test import override_settings
from django.utils import timezone

from tests.webhooks.conftest import submit, subscribe
from tuntas.audit.models import AuditEvent
from tuntas.cases import services as cases
from tuntas.cases.models import AgencyCase
from tuntas.webhooks import engine
from tuntas.webhooks.models import DeliveryStatus, WebhookDelivery
from tuntas.webhooks.services import (
    webhook_deliveries_deliver,
    webhook_deliveries_fan_out,
    webhook_delivery_replay,
)


def test_an_event_arrives_signed_with_its_id_and_timestamp(region, hook):
    report = submit(region)
    run = webhook_deliveries_deliver()

    assert run.delivered == 2  # report.submitted and case.opened
    first = hook.receiver.accepted[0]
    timestamp = first.headers["X-Tuntas-Timestamp"]
    expected = hmac.new(
        hook.secret.encode(), timestamp.encode() + b"." + first.body, hashlib.sha256
    ).hexdigest()
    assert first.headers["X-Tuntas-Signature"] == f"sha256={expected}"
    assert first.headers["X-Tuntas-Event-Id"] == first.payload["id"]
    assert first.headers["Content-Type"] == "application/json"
    assert first.payload["type"] == "report.submitted"
    assert first.payload["report"]["number"] == report.public_number
    assert first.payload["report"]["institution"] == region.magelang.slug
    assert first.payload["report"]["unit_id"] == region.magelang_puskesmas.pk
    assert datetime.datetime.fromisoformat(first.payload["occurred_at"]).tzinfo is not None
    assert hook.receiver.bad_signatures == 0
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2


def test_the_event_id_is_the_audit_events_hash_and_stays_the_same_on_every_attempt(region, hook):
    submit(region)
    hook.receiver.status = 500
    webhook_deliveries_deliver()
    hook.receiver.status = 200
    webhook_deliveries_deliver()

    event = AuditEvent.objects.get(action="report.submitted")
    ids = [item.event_id for item in hook.receiver.accepted]
    assert event.hash in ids


def test_a_failed_delivery_is_retried_later_with_back_off(region, hook):
    submit(region)
    hook.receiver.status = 503
    with override_settings(WEBHOOK_RETRY_BASE_SECONDS=60, WEBHOOK_MAX_ATTEMPTS=5):
        moment = timezone.now()
        with time_machine.travel(moment, tick=False):
            webhook_deliveries_deliver()
        delivery = WebhookDelivery.objects.get(event_type="report.submitted")
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.attempts == 1
        assert delivery.last_status_code == 503
        assert 30 <= (delivery.next_attempt_at - moment).total_seconds() <= 90
        with time_machine.travel(moment + datetime.timedelta(seconds=10), tick=False):
            webhook_deliveries_deliver()  # not due yet
        delivery.refresh_from_db()
        assert delivery.attempts == 1
        hook.receiver.status = 200
        with time_machine.travel(moment + datetime.timedelta(seconds=100), tick=False):
            webhook_deliveries_deliver()
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DELIVERED
        assert delivery.attempts == 2


def test_back_off_doubles_up_to_the_cap_with_jitter():
    import random

    rng = random.Random(1)
    with override_settings(WEBHOOK_RETRY_BASE_SECONDS=10, WEBHOOK_RETRY_MAX_SECONDS=100):
        delays = [engine.backoff_delay(n, rng=rng).total_seconds() for n in range(1, 8)]
    assert 5 <= delays[0] <= 15
    assert 10 <= delays[1] <= 30
    assert 20 <= delays[2] <= 60
    assert all(delay <= 100 for delay in delays)
    assert len(set(delays)) == len(delays)  # jittered


def test_after_the_last_attempt_the_delivery_becomes_a_dead_letter_and_is_audited(region, hook):
    submit(region)
    hook.receiver.status = 500
    for _ in range(5):
        webhook_deliveries_deliver()

    dead = WebhookDelivery.objects.get(event_type="report.submitted")
    assert dead.status == DeliveryStatus.DEAD
    assert dead.attempts == 3
    event = AuditEvent.objects.get(action="webhook.dead_lettered", object_id=str(dead.pk))
    assert event.institution_id == region.magelang.pk


def test_a_replayed_dead_letter_is_sent_again_with_the_same_id_and_is_audited(region, hook):
    submit(region)
    hook.receiver.status = 500
    for _ in range(4):
        webhook_deliveries_deliver()
    dead = WebhookDelivery.objects.get(event_type="report.submitted")
    assert dead.status == DeliveryStatus.DEAD

    hook.receiver.status = 200
    webhook_delivery_replay(delivery=dead, actor=region.admin_magelang)
    assert AuditEvent.objects.filter(
        action="webhook.delivery_replayed", actor=region.admin_magelang
    ).exists()
    webhook_deliveries_deliver()
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DELIVERED
    assert dead.event_id in [item.event_id for item in hook.receiver.accepted]


def test_a_later_event_of_a_case_waits_until_the_earlier_one_is_delivered(region, hook):
    report = submit(region)
    other = submit(region, title="Jalan berlubang di depan sekolah")
    webhook_deliveries_fan_out()
    earliest = WebhookDelivery.objects.filter(ordering_key=str(report.pk)).order_by("sequence")[0]
    # The first event of the first report keeps failing (not yet dead): nothing after it leaves.
    WebhookDelivery.objects.filter(pk=earliest.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    webhook_deliveries_deliver()

    numbers = [item.payload["report"]["number"] for item in hook.receiver.accepted]
    assert report.public_number not in numbers
    assert numbers.count(other.public_number) == 2  # another case is not held back


def test_a_dead_letter_no_longer_holds_the_cases_later_events_back(region, hook):
    report = submit(region)
    case = AgencyCase.objects.get(report=report)
    hook.receiver.status = 500
    for _ in range(7):  # three attempts each, the second event only after the first gave up
        webhook_deliveries_deliver()
    assert not WebhookDelivery.objects.exclude(status=DeliveryStatus.DEAD).exists()
    hook.receiver.status = 200
    cases.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
    webhook_deliveries_deliver()
    assert [item.payload["type"] for item in hook.receiver.accepted] == ["case.verify"]
    assert hook.receiver.accepted[0].payload["report"]["case_state"] == "verified"


def test_per_case_order_is_kept_across_failures(region, hook):
    report = submit(region)
    case = AgencyCase.objects.get(report=report)
    cases.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
    hook.receiver.fail_rate = 0.5
    with override_settings(WEBHOOK_MAX_ATTEMPTS=50):
        for _ in range(60):
            webhook_deliveries_deliver()
    types = [item.payload["type"] for item in hook.receiver.accepted]
    assert types == ["report.submitted", "case.opened", "case.verify"]
    assert hook.receiver.failures > 0


def test_a_slow_receiver_times_out_and_counts_as_a_failed_attempt(region, hook):
    submit(region)
    hook.receiver.delay = 1.5
    with override_settings(WEBHOOK_TIMEOUT_SECONDS=1):
        webhook_deliveries_deliver(limit=1)
    delivery = WebhookDelivery.objects.order_by("sequence").first()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert "Timeout" in delivery.last_error or "timed out" in delivery.last_error


def test_a_claim_left_by_a_killed_worker_is_taken_over_after_the_lease(region, hook):
    submit(region)
    webhook_deliveries_fan_out()
    stuck = WebhookDelivery.objects.order_by("sequence").first()
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    assert engine.claim(stuck, now=long_ago)  # a worker claimed it, then died
    webhook_deliveries_deliver()
    stuck.refresh_from_db()
    assert stuck.status == DeliveryStatus.DELIVERED
    assert stuck.attempts == 2


def test_a_fresh_claim_of_another_worker_is_left_alone(region, hook):
    submit(region)
    webhook_deliveries_fan_out()
    busy = WebhookDelivery.objects.order_by("sequence").first()
    assert engine.claim(busy, now=timezone.now())
    webhook_deliveries_deliver()
    busy.refresh_from_db()
    assert busy.status == DeliveryStatus.SENDING
    assert json.loads(busy.body)["type"] == "report.submitted"
    # and the case's later event waits behind it
    assert hook.receiver.accepted == []


def test_an_inactive_subscription_receives_nothing(region, receiver):
    from tuntas.webhooks.services import webhook_subscription_update

    hook = subscribe(region, receiver)
    webhook_subscription_update(
        subscription=hook.subscription,
        actor=region.admin_magelang,
        expected_version=hook.subscription.version,
        is_active=False,
    )
    submit(region)
    webhook_deliveries_deliver()
    assert hook.receiver.calls == 0


def test_a_receiver_on_a_private_address_is_refused_for_good_unless_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    from tuntas.webhooks import engine

    outcome = engine.post("http://127.0.0.1:9/hook", body=b"{}", headers={}, public_only=True)
    assert not outcome.delivered and not outcome.retry
    assert "not public" in outcome.error
    assert engine.private_target("http://10.1.2.3/") and engine.private_target("http://[::1]/")
    assert engine.private_target("http://169.254.169.254/latest/meta-data")
    assert not engine.private_target("http://8.8.8.8/")
