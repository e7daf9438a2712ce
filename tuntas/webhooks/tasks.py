from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuntas.webhooks.services import webhook_deliveries_deliver


@db_periodic_task(crontab(minute="*"))
@lock_task("webhook-deliveries")
def webhook_deliveries_deliver_task() -> None:
    """Every minute: fan new public events out to subscriptions and send what is due."""
    webhook_deliveries_deliver()
