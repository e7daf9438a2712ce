from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tuntas.core.sealing import seal_text, unseal_text
from tuntas.notifications.gateways import GatewayError, message_gateway
from tuntas.notifications.models import Notification, NotificationChannel, NotificationStatus

MAX_ATTEMPTS = 5


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
        body=body,
        report_id=report_id,
        institution_id=institution_id,
    )
    from tuntas.notifications.tasks import notification_send_task

    transaction.on_commit(lambda: notification_send_task(notification.pk))
    return notification


def notification_send(*, notification_id: int) -> Notification:
    """Deliver one queued message; safe to call twice (a sent message is not sent again)."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.status == NotificationStatus.SENT:
            return notification
        notification.attempts += 1
        recipient = unseal_text(notification.sealed_recipient)
        try:
            if notification.channel == NotificationChannel.EMAIL:
                send_mail(
                    notification.subject, notification.body, None, [recipient], fail_silently=False
                )
            else:
                message_gateway().send(
                    channel=notification.channel, to=recipient, body=notification.body
                )
        except (GatewayError, OSError) as error:
            notification.last_error = str(error)[:500]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
            notification.save(update_fields=["attempts", "last_error", "status"])
            raise
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return notification
