from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from tuntas.transfer.services_export import export_files_expire, export_job_run
from tuntas.transfer.services_import import import_job_run


@db_task()
def export_job_task(job_id: int) -> None:
    export_job_run(job_id=job_id)


@db_task()
def import_job_task(job_id: int, dry_run: bool) -> None:
    import_job_run(job_id=job_id, dry_run=dry_run)


@db_periodic_task(crontab(minute="40", hour="*"))
def export_files_expire_task() -> None:
    export_files_expire()
