import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.cases.sweep import sla_sweep


class Command(BaseCommand):
    help = "Send deadline reminders and escalate overdue reports. Running it twice sends nothing twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Sweep as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"--date must look like 2026-03-25, not {options['date']!r}."
                ) from None
        result = sla_sweep(today=today)
        self.stdout.write(
            f"Reminded {result.reminded}, escalated {result.escalated}, "
            f"offered to the Ombudsman {result.offered_to_ombudsman}."
        )
