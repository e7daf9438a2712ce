import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tuntas.exchange.models import ApiScope
from tuntas.exchange.services import api_client_create
from tuntas.institutions.models import Institution


class Command(BaseCommand):
    help = (
        "Issue an API key to a channel system: "
        "tuntas apiclient create --institution SLUG --name NAME --scopes submit,read"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institution", required=True, help="Institution slug.")
        parser.add_argument("--name", required=True, help="What the channel system is called.")
        parser.add_argument(
            "--scopes",
            required=True,
            help=f"Comma-separated, from: {', '.join(ApiScope.values)}.",
        )
        parser.add_argument(
            "--expires-in-days", type=int, help="Omit for a key that does not expire."
        )
        parser.add_argument(
            "--rate",
            default="",
            help="Requests allowed per client, e.g. 600/min (default: the API_CLIENT_RATE setting).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        institution = Institution.objects.filter(slug=options["institution"]).first()
        if institution is None:
            raise CommandError(f"No institution with slug {options['institution']!r}.")
        days = options["expires_in_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-in-days must be at least 1.")
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        try:
            client, key = api_client_create(
                actor=None,
                institution=institution,
                name=options["name"],
                scopes=options["scopes"].split(","),
                expires_at=expires_at,
                rate_limit=options["rate"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Created API client {client.name!r} for {institution.name}.")
        )
        self.stdout.write("Key (shown only now; store it in the channel system's secrets):")
        self.stdout.write(key)
