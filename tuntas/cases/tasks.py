from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuntas.cases.sweep import sla_sweep


@db_periodic_task(crontab(minute="15", hour="*"))
@lock_task("sla-sweep")
def sla_sweep_task() -> None:
    sla_sweep()
