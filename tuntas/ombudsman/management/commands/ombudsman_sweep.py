import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.ombudsman.sweep import ombudsman_sweep


class Command(BaseCommand):
    help = (
        "Close lapsed completeness requests and escalate overdue corrective actions, "
        "recommendations, clarifications and stages. Running it twice does nothing twice."
    )

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
        result = ombudsman_sweep(today=today)
        self.stdout.write(
            f"Completeness requests lapsed {result.completeness_lapsed}, "
            f"corrective actions escalated {result.corrective_escalated}, "
            f"recommendations escalated {result.recommendations_escalated}, "
            f"clarifications overdue {result.clarifications_overdue}, "
            f"stages overdue {result.stages_overdue}."
        )
        for error in result.errors:
            self.stderr.write(error)
        if result.errors:
            raise CommandError("Some parts of the sweep failed; see above.")
