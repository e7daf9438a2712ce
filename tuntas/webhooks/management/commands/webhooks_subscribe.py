from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.exchange.models import ApiClient
from tuntas.webhooks.services import webhook_subscription_create


class Command(BaseCommand):
    help = (
        "Subscribe an API client to public events: "
        "tuntas webhooks subscribe --client KEY_PREFIX --url URL [--events case.resolve,...]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client", required=True, help="The API client's key prefix.")
        parser.add_argument("--url", required=True, help="The receiver's address.")
        parser.add_argument(
            "--events", default="", help="Comma-separated event types; omit for every public one."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client = ApiClient.objects.filter(key_prefix=options["client"]).first()
        if client is None:
            raise CommandError(f"No API client with key prefix {options['client']!r}.")
        try:
            created = webhook_subscription_create(
                client=client,
                target_url=options["url"],
                event_types=[name for name in options["events"].split(",") if name],
                actor=None,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Subscription {created.subscription.pk} created for {client.name}.")
        )
        self.stdout.write("Signing secret (shown only now):")
        self.stdout.write(created.secret)
