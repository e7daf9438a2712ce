"""``tuntas intake email --maildir PATH`` or ``--imap``: read unread e-mail into reports."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.complaints.channels_email import (
    EmailSourceError,
    email_intake_run,
    imap_source_from_settings,
    maildir_source,
)
from tuntas.complaints.services_threading import ChannelNotConfigured


class Command(BaseCommand):
    help = (
        "Read unread e-mail from a Maildir or the IMAP mailbox (settings IMAP_*): new messages "
        "become reports, replies quoting a report number are added to it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--maildir", metavar="PATH", help="a Maildir directory")
        source.add_argument(
            "--imap", action="store_true", help="the mailbox of IMAP_HOST (over TLS)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            source = (
                maildir_source(options["maildir"])
                if options["maildir"]
                else imap_source_from_settings()
            )
            summary = email_intake_run(source)
        except EmailSourceError as error:
            raise CommandError(str(error)) from None
        except ChannelNotConfigured as error:
            raise CommandError(
                f"no institution or category can take e-mail reports ({error}); set "
                "MESSAGE_INTAKE_INSTITUTION to an institution's slug. The messages stay unread."
            ) from None
        outcomes = summary.outcomes
        self.stdout.write(
            f"{summary.read} message(s) read: {outcomes['created']} new report(s), "
            f"{outcomes['threaded']} reply(ies) added, {outcomes['duplicate']} already read, "
            f"{outcomes['unmatched'] + outcomes['refused']} answered without a report, "
            f"{outcomes['ignored']} automatic message(s) ignored, {summary.failed} failed."
        )
        if summary.failed:
            raise CommandError(
                f"{summary.failed} message(s) could not be processed and stay unread; see the log."
            )
