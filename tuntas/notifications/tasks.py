from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tuntas.notifications.models import Notification, NotificationStatus
from tuntas.notifications.services import MAX_ATTEMPTS, notification_send


@db_task(retries=MAX_ATTEMPTS - 1, retry_delay=30)
def notification_send_task(notification_id: int) -> None:
    notification_send(notification_id=notification_id)


@db_periodic_task(crontab(minute="*/5"))
def notification_retry_stale() -> None:
    """Re-queue messages whose task was lost (worker killed between commit and enqueue)."""
    stale = Notification.objects.filter(status=NotificationStatus.QUEUED, attempts__lt=MAX_ATTEMPTS)
    for notification_id in stale.values_list("pk", flat=True)[:500]:
        notification_send_task(notification_id)
