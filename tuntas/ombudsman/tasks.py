from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuntas.ombudsman.sweep import ombudsman_sweep


@db_periodic_task(crontab(minute="25", hour="*"))
@lock_task("ombudsman-sweep")
def ombudsman_sweep_task() -> None:
    ombudsman_sweep()
