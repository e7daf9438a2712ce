from huey import crontab
from huey.contrib.djhuey import periodic_task

from tuntas.complaints.staging import staging_sweep


@periodic_task(crontab(minute="17"))
def staging_sweep_task() -> int:
    """Hourly: drop the files of report forms abandoned more than 24 hours ago."""
    return staging_sweep()


# The periodic IMAP intake lives in its own module; importing it registers the task.
from tuntas.complaints import tasks_email  # noqa: E402, F401
