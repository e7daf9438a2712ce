"""What every outgoing signed HTTP message shares: the event source, ordering, claims, retries.

Used by the webhook deliveries here and by the referral messages to peer instances
(tuntas.referrals). Nothing here runs inside a database transaction while talking to the
network: a row is *claimed* (status "sending", attempt counted) in a short write, the request
is sent with bounded timeouts, and the outcome is written in a second short write. A worker
killed between the two leaves a claim that expires after the lease and is sent again: the
promise is at-least-once, and receivers de-duplicate by the event id.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import random
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from tuntas.audit import registry
from tuntas.audit.models import AuditChainHead, AuditEvent
from tuntas.webhooks.models import DeliveryAttempts, DeliveryStatus

REPORT_OBJECT_TYPE = "complaints.report"
USER_AGENT = "Tuntas-Webhook/1"

Row = TypeVar("Row", bound=DeliveryAttempts)


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 8))


def request_timeout() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10))


def sending_lease() -> datetime.timedelta:
    # Longer than a request can take (connect + read timeouts), so a live claim never expires.
    seconds = float(getattr(settings, "WEBHOOK_SENDING_LEASE_SECONDS", 120))
    return datetime.timedelta(seconds=max(seconds, 2 * request_timeout() + 1))


def backoff_delay(attempts: int, *, rng: random.Random | None = None) -> datetime.timedelta:
    """Exponential back-off with full jitter in [½, 1½] of the step, capped."""
    base = float(getattr(settings, "WEBHOOK_RETRY_BASE_SECONDS", 30))
    cap = float(getattr(settings, "WEBHOOK_RETRY_MAX_SECONDS", 3600))
    step = min(cap, base * 2 ** max(attempts - 1, 0))
    jitter = (rng or random.SystemRandom()).uniform(0.5, 1.5)
    return datetime.timedelta(seconds=min(cap, step * jitter))


def hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def public_actions() -> list[str]:
    return [action.name for action in registry.all_actions() if action.public]


# --- The source: public audit events about reports ---------------------------------------


def chain_head() -> int:
    """The last committed audit sequence. Read it *before* anything that decides which events
    to take (such as which reports are linked), so that a row committed in between cannot be
    skipped."""
    head = AuditChainHead.objects.filter(id=1).values_list("last_sequence", flat=True).first()
    return head or 0


def public_report_events(
    *,
    after: int,
    actions: Iterable[str],
    institution_ids: Iterable[int] | None = None,
    report_ids: Iterable[int] | None = None,
    limit: int = 500,
    head: int | None = None,
) -> tuple[list[AuditEvent], int]:
    """Public events about reports with ``sequence > after``, and the new cursor.

    The audit chain is appended under a row lock held until commit, so the events up to the
    head read first are all committed: nothing below the returned cursor can appear later.
    """
    if head is None:
        head = chain_head()
    if head <= after:
        return [], after
    events = AuditEvent.objects.filter(
        sequence__gt=after,
        sequence__lte=head,
        object_type=REPORT_OBJECT_TYPE,
        action__in=list(actions),
    )
    if institution_ids is not None:
        events = events.filter(institution_id__in=list(institution_ids))
    if report_ids is not None:
        events = events.filter(object_id__in=[str(pk) for pk in report_ids])
    found = list(events.order_by("sequence")[:limit])
    cursor = found[-1].sequence if len(found) == limit else head
    return found, cursor


# --- Picking what is due, in order per case --------------------------------------------------


def due_rows(
    model: type[Row],
    *,
    group_fields: tuple[str, ...],
    now: datetime.datetime,
    limit: int,
    exclude: Iterable[int] = (),
) -> list[Row]:
    """Rows ready to send: pending and due, or claimed by a worker whose lease ran out.

    A row waits while an earlier row (lower ``sequence``) of the same group is still pending
    or being sent: a case's later event never overtakes an earlier one. Delivered and
    dead-lettered rows no longer hold their successors back. ``exclude``: rows already tried
    in this run (one attempt per row and run, however short the back-off).
    """
    earlier_unfinished = model.objects.filter(  # type: ignore[attr-defined]
        **{name: OuterRef(name) for name in group_fields},
        sequence__lt=OuterRef("sequence"),
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
    )
    ready = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - sending_lease()
    )
    queryset = (
        model.objects.filter(ready)  # type: ignore[attr-defined]
        .annotate(blocked=Exists(earlier_unfinished))
        .filter(blocked=False)
        .exclude(pk__in=list(exclude))
        .order_by("sequence", "pk")
    )
    return list(queryset[:limit])


def claim(row: DeliveryAttempts, *, now: datetime.datetime) -> bool:
    """Take the row for one attempt; False when another worker took it first."""
    taken = (
        type(row)
        .objects.filter(pk=row.pk, status=row.status, attempts=row.attempts)  # type: ignore[attr-defined]
        .update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    )
    if taken:
        row.status = DeliveryStatus.SENDING
        row.attempts += 1
        row.claimed_at = now
    return bool(taken)


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None = None
    error: str = ""
    retry: bool = True  # False: the receiver refused for good (dead letter at once)
    response: Any = None


def private_target(url: str) -> bool:
    """True when the URL's host is, or resolves to, a loopback, private or link-local address.

    Receivers are named by API clients; without this check a subscription could make the worker
    call services inside the operator's network (server-side request forgery).
    """
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False  # unresolvable: the request itself fails and is retried
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            return True
    return False


def post(url: str, *, body: bytes, headers: dict[str, str], public_only: bool = False) -> Outcome:
    """POST with bounded connect and read timeouts; 2xx is delivered, anything else is not.

    ``public_only`` refuses (for good) a receiver on a non-public address.
    """
    if public_only and private_target(url):
        return Outcome(
            delivered=False,
            error="refused: the receiver's address is not public (WEBHOOK_ALLOW_PRIVATE_TARGETS)",
            retry=False,
        )
    timeout = request_timeout()
    try:
        response = requests.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
            timeout=(min(timeout, 5.0), timeout),
            allow_redirects=False,
        )
    except requests.RequestException as error:
        return Outcome(delivered=False, error=f"{error.__class__.__name__}: {error}"[:500])
    if 200 <= response.status_code < 300:
        return Outcome(delivered=True, status_code=response.status_code, response=response)
    return Outcome(
        delivered=False,
        status_code=response.status_code,
        error=f"HTTP {response.status_code}: {response.text[:200]}",
        response=response,
    )


def record_outcome(row: DeliveryAttempts, outcome: Outcome, *, now: datetime.datetime) -> bool:
    """Write the attempt's result; True when the row became a dead letter.

    The write is conditional on our claim still being the current one, so a worker whose lease
    expired cannot overwrite the result of the worker that took over.
    """
    fields: dict[str, Any] = {"last_status_code": outcome.status_code, "claimed_at": None}
    dead = False
    if outcome.delivered:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=now, last_error="")
    elif not outcome.retry or row.attempts >= max_attempts():
        fields.update(status=DeliveryStatus.DEAD, last_error=outcome.error)
        dead = True
    else:
        fields.update(
            status=DeliveryStatus.PENDING,
            last_error=outcome.error,
            next_attempt_at=now + backoff_delay(row.attempts),
        )
    updated = (
        type(row)
        .objects.filter(  # type: ignore[attr-defined]
            pk=row.pk, status=DeliveryStatus.SENDING, attempts=row.attempts
        )
        .update(**fields)
    )
    if not updated:
        return False
    for name, value in fields.items():
        setattr(row, name, value)
    return dead


def reopen_fields(now: datetime.datetime) -> dict[str, Any]:
    """What a replay of a dead letter sets: a fresh series of attempts, due now."""
    return {
        "status": DeliveryStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "claimed_at": None,
        "last_error": "",
    }


def model_label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def now() -> datetime.datetime:
    return timezone.now()
