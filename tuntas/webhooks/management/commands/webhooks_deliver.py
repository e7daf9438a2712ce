import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.webhooks.services import webhook_deliveries_deliver


class Command(BaseCommand):
    help = (
        "Fan new public events out to webhook subscriptions and send what is due: "
        "tuntas webhooks deliver [--loop --interval SECONDS] [--limit N]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=200, help="Attempts per run.")
        parser.add_argument(
            "--loop",
            action="store_true",
            help="Keep running (until stopped), one run per interval.",
        )
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between runs.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        if options["interval"] <= 0:
            raise CommandError("--interval must be more than 0 seconds.")
        while True:
            run = webhook_deliveries_deliver(limit=options["limit"])
            self.stdout.write(
                f"fanned out {run.fanned_out}, delivered {run.delivered}, "
                f"failed {run.failed}, dead letters {run.dead}"
            )
            if not options["loop"]:
                return
            time.sleep(options["interval"])
