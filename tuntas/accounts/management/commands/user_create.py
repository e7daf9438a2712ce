from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.accounts.models import Role, UserKind
from tuntas.accounts.services import membership_grant, user_create
from tuntas.institutions.models import Institution, Unit


class Command(BaseCommand):
    help = "Create a staff account, optionally with a role: tuntas user create --email … --name …"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--password", help="Omit to create the account without a usable password."
        )
        parser.add_argument("--institution", help="Institution slug for the role.")
        parser.add_argument(
            "--unit", help="Unit name within the institution (required for petugas)."
        )
        parser.add_argument("--role", choices=Role.values)
        parser.add_argument("--platform-admin", action="store_true")
        parser.add_argument("--citizen", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        institution = unit = None
        if options["role"]:
            if not options["institution"]:
                raise CommandError("--role needs --institution (an institution slug).")
            institution = Institution.objects.filter(slug=options["institution"]).first()
            if institution is None:
                raise CommandError(f"No institution with slug {options['institution']!r}.")
            if options["unit"]:
                unit = Unit.objects.filter(institution=institution, name=options["unit"]).first()
                if unit is None:
                    raise CommandError(f"No unit named {options['unit']!r} in {institution.name}.")
        try:
            user = user_create(
                actor=None,
                email=options["email"],
                full_name=options["name"],
                password=options["password"],
                kind=UserKind.CITIZEN if options["citizen"] else UserKind.STAFF,
                is_platform_admin=options["platform_admin"],
            )
            if institution is not None:
                membership_grant(
                    actor=None, user=user, institution=institution, role=options["role"], unit=unit
                )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.email}."))
