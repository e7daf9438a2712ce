"""The periodic IMAP intake: every five minutes, when IMAP_HOST is set."""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from tuntas.complaints.channels_email import (
    EmailSourceError,
    IntakeSummary,
    email_intake_run,
    imap_source_from_settings,
)

logger = logging.getLogger(__name__)


def email_intake_imap() -> IntakeSummary | None:
    """Read the IMAP mailbox once; None when IMAP intake is not configured."""
    if not getattr(settings, "IMAP_HOST", ""):
        return None
    try:
        summary = email_intake_run(imap_source_from_settings())
    except EmailSourceError as error:
        logger.error("e-mail intake: %s", error)
        return None
    logger.info(
        "e-mail intake: %d read, %s, %d failed",
        summary.read,
        dict(summary.outcomes),
        summary.failed,
    )
    return summary


@db_periodic_task(crontab(minute="*/5"))
@lock_task("complaints-email-intake")  # a slow run must not overlap the next one
def email_intake_imap_task() -> None:
    email_intake_imap()
