"""Every write to webhook subscriptions and deliveries, and the delivery worker."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.audit.services import audit_record, changed_fields
from tuntas.complaints.models import Report
from tuntas.core.faults import fault_point
from tuntas.core.sealing import seal_text, unseal_text
from tuntas.exchange.models import ApiClient, ApiScope
from tuntas.institutions.models import Institution, InstitutionKind
from tuntas.webhooks import engine
from tuntas.webhooks.models import DeliveryStatus, Subscription, WebhookDelivery
from tuntas.webhooks.payloads import encode, event_payload

logger = logging.getLogger(__name__)
FAN_OUT_BATCH = 500


@dataclass(frozen=True)
class CreatedSubscription:
    subscription: Subscription
    secret: str  # shown once; only its sealed form is stored


def _clean_event_types(event_types: Iterable[str]) -> list[str]:
    chosen = sorted({name.strip() for name in event_types if name.strip()})
    unknown = [name for name in chosen if name not in engine.public_actions()]
    if unknown:
        raise ValidationError(
            {
                "event_types": _("These are not public event types: %(names)s.")
                % {"names": ", ".join(unknown)}
            }
        )
    return chosen


def _clean_url(url: str) -> str:
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            {"target_url": _("Enter the receiver's full address, starting with https://.")}
        ) from None
    return url


@transaction.atomic
def webhook_subscription_create(
    *, client: ApiClient, target_url: str, event_types: Iterable[str] = (), actor: Any
) -> CreatedSubscription:
    """Subscribe ``client`` to public events from now on (no backlog of older events)."""
    url = _clean_url(target_url)
    types = _clean_event_types(event_types)
    if not client.is_active:
        raise ValidationError({"client": _("This API client has been revoked.")})
    if not client.has_scope(ApiScope.READ):
        raise ValidationError(
            {"client": _("Only an API client with the “read” scope may receive events.")}
        )
    secret = secrets.token_urlsafe(32)
    subscription = Subscription.objects.create(
        client=client,
        target_url=url,
        sealed_secret=seal_text(secret),
        event_types=types,
        cursor=engine.chain_head(),
    )
    audit_record(
        actor=actor,
        action="webhook.subscription_created",
        obj=subscription,
        institution_id=client.institution_id,
        data={"client_id": client.pk, "target_url": url, "event_types": types},
    )
    return CreatedSubscription(subscription=subscription, secret=secret)


@transaction.atomic
def webhook_subscription_update(
    *,
    subscription: Subscription,
    actor: Any,
    expected_version: int,
    target_url: str | None = None,
    event_types: Iterable[str] | None = None,
    is_active: bool | None = None,
) -> Subscription:
    fresh = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if fresh.version != expected_version:
        raise ValidationError(
            _("Someone else changed this subscription. Reload it; nothing was saved.")
        )
    before = {
        "target_url": fresh.target_url,
        "event_types": fresh.event_types,
        "is_active": fresh.is_active,
    }
    if target_url is not None:
        fresh.target_url = _clean_url(target_url)
    if event_types is not None:
        fresh.event_types = _clean_event_types(event_types)
    if is_active is not None:
        fresh.is_active = is_active
    after = {
        "target_url": fresh.target_url,
        "event_types": fresh.event_types,
        "is_active": fresh.is_active,
    }
    fresh.version += 1
    fresh.save()
    audit_record(
        actor=actor,
        action="webhook.subscription_updated",
        obj=fresh,
        institution_id=fresh.client.institution_id,
        changes=changed_fields(before, after),
    )
    subscription.__dict__.update(fresh.__dict__)
    return subscription


@transaction.atomic
def webhook_subscription_rotate_secret(*, subscription: Subscription, actor: Any) -> str:
    secret = secrets.token_urlsafe(32)
    fresh = Subscription.objects.select_for_update().get(pk=subscription.pk)
    fresh.sealed_secret = seal_text(secret)
    fresh.version += 1
    fresh.save(update_fields=["sealed_secret", "version"])
    audit_record(
        actor=actor,
        action="webhook.secret_rotated",
        obj=fresh,
        institution_id=fresh.client.institution_id,
    )
    subscription.__dict__.update(fresh.__dict__)
    return secret


@transaction.atomic
def webhook_delivery_replay(*, delivery: WebhookDelivery, actor: Any) -> WebhookDelivery:
    """Send a dead letter again: same body, same event id, a fresh series of attempts."""
    fresh = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if fresh.status != DeliveryStatus.DEAD:
        raise ValidationError(_("Only a dead letter can be replayed."))
    fields = engine.reopen_fields(timezone.now())
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.save(update_fields=list(fields))
    audit_record(
        actor=actor,
        action="webhook.delivery_replayed",
        obj=fresh,
        institution_id=fresh.subscription.client.institution_id,
        data={"event_id": fresh.event_id, "subscription_id": fresh.subscription_id},
    )
    delivery.__dict__.update(fresh.__dict__)
    return delivery


# --- The worker ----------------------------------------------------------------------------


def client_institution_ids(client: ApiClient) -> list[int] | None:
    """Whose events the client may see: its institution's; an Ombudsman office's jurisdiction."""
    institution = client.institution
    if institution.kind == InstitutionKind.OMBUDSMAN_CENTRAL:
        return None  # everything
    if institution.is_ombudsman:
        covered = Institution.objects.filter(supervising_office=institution)
        return [institution.pk, *covered.values_list("pk", flat=True)]
    return [institution.pk]


def webhook_deliveries_fan_out(*, batch: int = FAN_OUT_BATCH) -> int:
    """Turn the public events past each subscription's cursor into deliveries; returns how many.

    One transaction per subscription and batch: the deliveries and the advanced cursor commit
    together, and the unique (subscription, event) constraint makes a repeated run harmless.
    """
    created = 0
    for subscription_id in Subscription.objects.filter(is_active=True).values_list("pk", flat=True):
        while True:
            added, more = _fan_out_one(subscription_id, batch=batch)
            created += added
            if not more:
                break
    return created


def _fan_out_one(subscription_id: int, *, batch: int) -> tuple[int, bool]:
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .select_related("client__institution")
            .get(pk=subscription_id)
        )
        if not subscription.is_active or not subscription.client.is_usable():
            return 0, False
        actions = subscription.event_types or engine.public_actions()
        events, cursor = engine.public_report_events(
            after=subscription.cursor,
            actions=actions,
            institution_ids=client_institution_ids(subscription.client),
            limit=batch,
        )
        reports = Report.objects.in_bulk([int(event.object_id) for event in events])
        rows = [
            WebhookDelivery(
                subscription=subscription,
                audit_event=event,
                sequence=event.sequence,
                ordering_key=event.object_id,
                event_id=event.hash,
                event_type=event.action,
                body=encode(event_payload(event, report=reports.get(int(event.object_id)))),
            )
            for event in events
        ]
        WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        more = cursor > subscription.cursor and len(events) == batch
        subscription.cursor = cursor
        subscription.save(update_fields=["cursor"])
        return len(rows), more


def signature_headers(*, secret: str, event_id: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    signature = engine.hmac_hex(secret, timestamp.encode() + b"." + body)
    return {
        "X-Tuntas-Event-Id": event_id,
        "X-Tuntas-Timestamp": timestamp,
        "X-Tuntas-Signature": f"sha256={signature}",
    }


def webhook_delivery_attempt(*, delivery: WebhookDelivery) -> engine.Outcome | None:
    """One attempt at one claimed-or-claimable delivery; None when another worker has it."""
    now = timezone.now()
    if not engine.claim(delivery, now=now):
        return None
    subscription = delivery.subscription
    body = delivery.body.encode()
    fault_point("webhook.after_claim")
    outcome = engine.post(
        subscription.target_url,
        body=body,
        headers=signature_headers(
            secret=unseal_text(subscription.sealed_secret), event_id=delivery.event_id, body=body
        ),
        public_only=not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    )
    fault_point("webhook.after_send")
    with transaction.atomic():
        dead = engine.record_outcome(delivery, outcome, now=timezone.now())
        if dead:
            audit_record(
                actor=None,
                action="webhook.dead_lettered",
                obj=delivery,
                institution_id=subscription.client.institution_id,
                data={
                    "event_id": delivery.event_id,
                    "subscription_id": subscription.pk,
                    "attempts": delivery.attempts,
                    "last_status_code": outcome.status_code,
                },
            )
    return outcome


@dataclass
class DeliveryRun:
    fanned_out: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def webhook_deliveries_deliver(*, limit: int = 200, rounds: int = 50) -> DeliveryRun:
    """Fan out, then send what is due, round after round, until nothing is due or ``limit``."""
    run = DeliveryRun(fanned_out=webhook_deliveries_fan_out())
    attempted = 0
    tried: set[int] = set()
    for _round in range(rounds):
        due = engine.due_rows(
            WebhookDelivery,
            group_fields=("subscription_id", "ordering_key"),
            now=timezone.now(),
            limit=min(50, limit - attempted),
            exclude=tried,
        )
        if not due:
            break
        tried.update(row.pk for row in due)
        for delivery in (
            WebhookDelivery.objects.filter(pk__in=[row.pk for row in due])
            .select_related("subscription__client")
            .order_by("sequence")
        ):
            outcome = webhook_delivery_attempt(delivery=delivery)
            attempted += 1
            if outcome is None:
                continue
            if outcome.delivered:
                run.delivered += 1
            elif delivery.status == DeliveryStatus.DEAD:
                run.dead += 1
            else:
                run.failed += 1
        if attempted >= limit:
            break
    return run
