from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuntas.exchange.idempotency import idempotency_records_purge


@db_periodic_task(crontab(minute="23"))
def idempotency_records_purge_task() -> None:
    """Hourly: forget idempotency keys past IDEMPOTENCY_KEY_HOURS (72 h by default)."""
    idempotency_records_purge()
