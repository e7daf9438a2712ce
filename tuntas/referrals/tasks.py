from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuntas.referrals.worker import referral_messages_deliver


@db_periodic_task(crontab(minute="*"))
@lock_task("referral-messages")
def referral_messages_deliver_task() -> None:
    """Every minute: queue status updates for referring instances and send what is due."""
    referral_messages_deliver()
