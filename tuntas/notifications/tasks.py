from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tuntas.notifications.services import MAX_ATTEMPTS, notification_send, notifications_stale


@db_task(retries=MAX_ATTEMPTS - 1, retry_delay=30)
def notification_send_task(notification_id: int) -> None:
    notification_send(notification_id=notification_id)


@db_periodic_task(crontab(minute="*/5"))
def notification_retry_stale() -> None:
    """Re-queue messages whose task was lost (worker killed between commit and enqueue, or mid-send)."""
    for notification_id in notifications_stale():
        notification_send_task(notification_id)
