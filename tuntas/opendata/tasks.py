from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuntas.opendata.datasets import release_refresh


@db_periodic_task(crontab(minute="5"))
@lock_task("opendata-refresh")
def opendata_refresh_task() -> None:
    """Recompute the datasets every hour, so that a visitor never waits for them."""
    release_refresh()
