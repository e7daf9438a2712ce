from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.sla.services import holidays_import


class Command(BaseCommand):
    help = "Import a year's Indonesian national holidays and cuti bersama (then confirm them in the admin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, action="append", required=True, help="May be given more than once."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for year in options["year"]:
            try:
                result = holidays_import(year=year)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            self.stdout.write(
                f"{result.year}: {result.added} added, {result.already_present} already present "
                "(imported dates are unconfirmed until an administrator checks them against the SKB)."
            )
