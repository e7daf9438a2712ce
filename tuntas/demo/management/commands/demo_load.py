from typing import Any

from django.core.management.base import BaseCommand

from tuntas.demo.services import demo_logins, demo_region_load


class Command(BaseCommand):
    help = "Load the demo region (Ombudsman Jawa Tengah and its MoU partners). Safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any institution exists."
        )
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo logins."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tuntas.institutions.models import Institution

        if options["if_empty"] and Institution.objects.exists():
            self.stdout.write("Database already holds institutions; demo region not loaded.")
        else:
            result = demo_region_load()
            if result.anything_created:
                summary = ", ".join(
                    f"{count} {what}" for what, count in sorted(result.created.items())
                )
                self.stdout.write(self.style.SUCCESS(f"Demo region loaded: {summary}."))
            else:
                self.stdout.write("Demo region already present; nothing changed.")
        if not options["quiet_logins"]:
            self.stdout.write("\nDemo logins (refused when DEBUG is off):")
            for email, password, description in demo_logins():
                self.stdout.write(f"  {email:<40} {password}   {description}")
