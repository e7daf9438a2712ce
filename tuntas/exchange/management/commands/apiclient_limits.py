import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tuntas.exchange.models import ApiClient
from tuntas.exchange.services import api_client_set_limits


class Command(BaseCommand):
    help = (
        "Change an API client's rate limit or expiry: tuntas apiclient limits --prefix PREFIX "
        "[--rate 600/min | --rate default] [--expires-in-days N | --no-expiry]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--prefix", required=True, help="The key's prefix (before the dot).")
        parser.add_argument("--rate", help="e.g. 600/min; 'default' for the API_CLIENT_RATE.")
        expiry = parser.add_mutually_exclusive_group()
        expiry.add_argument("--expires-in-days", type=int)
        expiry.add_argument("--no-expiry", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        client = ApiClient.objects.filter(key_prefix=options["prefix"]).first()
        if client is None:
            raise CommandError(f"No API client with key prefix {options['prefix']!r}.")
        rate = options["rate"]
        if rate == "default":
            rate = ""
        expires: datetime.datetime | str | None = "unchanged"
        if options["no_expiry"]:
            expires = None
        elif options["expires_in_days"] is not None:
            if options["expires_in_days"] < 1:
                raise CommandError("--expires-in-days must be at least 1.")
            expires = timezone.now() + datetime.timedelta(days=options["expires_in_days"])
        try:
            client = api_client_set_limits(
                client=client, actor=None, rate_limit=rate, expires_at=expires
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{client.name}: rate {client.rate_limit or 'default'}, "
                f"expires {client.expires_at.isoformat() if client.expires_at else 'never'}."
            )
        )
