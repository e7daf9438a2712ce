"""The outbox: messages are written with the change they report and leave after it commits.

Delivery happens outside any database transaction (an SMTP server or SMS gateway may take
seconds, and on SQLite an open write transaction stops every other writer). A delivery first
*claims* the row (status "sending", attempt counted), then sends, then records the outcome.
A second run of the same task finds the row sent or claimed and does nothing; only a worker
killed between the gateway's answer and the last write can send a message twice, which is the
at-least-once promise every outbox makes (the HTTP gateway gets the notification id as an
idempotency key for that case).
"""

from __future__ import annotations

import datetime
import re

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tuntas.audit.services import audit_record
from tuntas.core.faults import fault_point
from tuntas.core.sealing import seal_text, unseal_text
from tuntas.notifications.gateways import message_gateway
from tuntas.notifications.models import Notification, NotificationChannel, NotificationStatus

MAX_ATTEMPTS = 5
# A claim older than this is a worker that died while sending (gateways time out after 10 s).
SENDING_LEASE = datetime.timedelta(minutes=2)


def mask_recipient(to: str) -> str:
    """Enough of an address for staff to recognise it, not enough to contact anyone."""
    to = to.strip()
    if "@" in to:
        local, _, domain = to.rpartition("@")
        host, dot, tld = domain.rpartition(".")
        masked_domain = f"{host[:1]}***{dot}{tld}" if dot else f"{domain[:1]}***"
        return f"{local[:1]}***@{masked_domain}"
    digits = re.sub(r"\D", "", to)
    if len(digits) <= 4:
        return "***"
    return f"{digits[:2]}{'*' * (len(digits) - 5)}{digits[-3:]}"


def _scrub(error: BaseException, recipient: str) -> str:
    """The error as stored and shown to staff: without the recipient's address in it."""
    text = f"{error.__class__.__name__}: {error}"
    if recipient:
        text = text.replace(recipient, mask_recipient(recipient))
    return text[:500]


def notification_queue(
    *,
    channel: str,
    to: str,
    body: str,
    subject: str = "",
    report_id: int | None = None,
    institution_id: int | None = None,
) -> Notification:
    """Write the message in the caller's transaction; it leaves only after that commits."""
    notification = Notification.objects.create(
        channel=channel,
        sealed_recipient=seal_text(to),
        subject=subject[:200],
        sealed_body=seal_text(body),
        report_id=report_id,
        institution_id=institution_id,
    )
    fault_point("notification.after_insert")
    from tuntas.notifications.tasks import notification_send_task

    # robust: the row is the promise; if enqueueing fails (queue down), notification_retry_stale
    # picks the message up, and the caller's committed change must not look failed.
    transaction.on_commit(lambda: notification_send_task(notification.pk), robust=True)
    return notification


def _claim(notification_id: int) -> Notification | None:
    """Mark the row as being sent by us; None when it is done or someone else is on it."""
    now = timezone.now()
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.status in (NotificationStatus.SENT, NotificationStatus.FAILED):
            return None
        if (
            notification.status == NotificationStatus.SENDING
            and notification.last_attempt_at is not None
            and notification.last_attempt_at > now - SENDING_LEASE
        ):
            return None
        if notification.attempts >= MAX_ATTEMPTS:
            # The last claim's worker died mid-send: whether it left is unknown; stop trying.
            _mark_failed(notification, "delivery not confirmed after the last attempt")
            return None
        notification.status = NotificationStatus.SENDING
        notification.attempts += 1
        notification.last_attempt_at = now
        notification.save(update_fields=["status", "attempts", "last_attempt_at"])
        return notification


def _mark_failed(notification: Notification, error: str) -> None:
    notification.status = NotificationStatus.FAILED
    notification.last_error = error[:500]
    notification.save(update_fields=["status", "last_error"])
    audit_record(
        actor=None,
        action="notification.failed",
        obj=notification,
        institution_id=notification.institution_id,
        data={
            "channel": notification.channel,
            "attempts": notification.attempts,
            "report_id": notification.report_id,
        },
    )


def notification_text(notification: Notification) -> str:
    """The message's text, unsealed (rows queued before bodies were sealed kept it plain)."""
    if notification.sealed_body:
        return unseal_text(notification.sealed_body)
    return notification.body


def _deliver(notification: Notification, recipient: str) -> None:
    body = notification_text(notification)
    if notification.channel == NotificationChannel.EMAIL:
        send_mail(notification.subject, body, None, [recipient], fail_silently=False)
    else:
        message_gateway().send(
            channel=notification.channel,
            to=recipient,
            body=body,
            reference=f"notification-{notification.pk}",
        )


def notification_send(*, notification_id: int) -> Notification:
    """Deliver one queued message; safe to call twice (a sent message is not sent again).

    Raises the delivery error while attempts remain, so that the task queue retries; after
    MAX_ATTEMPTS the message is marked failed (with an audit event) and stays visible to staff.
    """
    claimed = _claim(notification_id)
    if claimed is None:
        return Notification.objects.get(pk=notification_id)
    recipient = unseal_text(claimed.sealed_recipient)
    try:
        _deliver(claimed, recipient)
    # Whatever a mail backend or gateway raises, the claim must be settled, not left hanging.
    except Exception as error:
        message = _scrub(error, recipient)
        with transaction.atomic():
            notification = Notification.objects.select_for_update().get(pk=notification_id)
            if notification.attempts >= MAX_ATTEMPTS:
                _mark_failed(notification, message)
                return notification
            notification.status = NotificationStatus.QUEUED
            notification.last_error = message
            notification.save(update_fields=["status", "last_error"])
        raise
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["status", "sent_at", "last_error"])
    return notification


def notifications_stale(*, now: datetime.datetime | None = None) -> list[int]:
    """Messages whose task was lost: queued and untouched for 5 minutes, or a dead claim."""
    now = now or timezone.now()
    quiet = now - datetime.timedelta(minutes=5)
    queued = Notification.objects.filter(
        status=NotificationStatus.QUEUED, attempts__lt=MAX_ATTEMPTS, created_at__lt=quiet
    ).exclude(last_attempt_at__gte=quiet)
    dead = Notification.objects.filter(
        status=NotificationStatus.SENDING, last_attempt_at__lt=now - SENDING_LEASE
    )
    ids = list(queued.order_by("created_at").values_list("pk", flat=True)[:500])
    return ids + list(dead.order_by("created_at").values_list("pk", flat=True)[:500])
