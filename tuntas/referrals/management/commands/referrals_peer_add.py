from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuntas.institutions.models import Institution
from tuntas.referrals.services import new_shared_secret, peer_create


class Command(BaseCommand):
    help = (
        "Add a peer Tuntas instance: tuntas referrals peer-add --name NAME --slug ID-HERE "
        "--base-url URL --our-id OUR-ID-THERE --institution SLUG [--secret S] [--ombudsman]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True, help="How the peer names itself here.")
        parser.add_argument("--base-url", required=True, help="The peer's address.")
        parser.add_argument("--our-id", required=True, help="How we name ourselves at the peer.")
        parser.add_argument(
            "--institution", required=True, help="Slug of the institution receiving its referrals."
        )
        parser.add_argument(
            "--secret", default="", help="The shared secret; omit to generate one (printed once)."
        )
        parser.add_argument(
            "--ombudsman", action="store_true", help="The peer is an Ombudsman office's instance."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        institution = Institution.objects.filter(slug=options["institution"]).first()
        if institution is None:
            raise CommandError(f"No institution with slug {options['institution']!r}.")
        secret = options["secret"] or new_shared_secret()
        try:
            peer = peer_create(
                name=options["name"],
                slug=options["slug"],
                base_url=options["base_url"],
                our_id=options["our_id"],
                secret=secret,
                institution=institution,
                is_ombudsman=options["ombudsman"],
                actor=None,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Peer {peer.name!r} added."))
        if not options["secret"]:
            self.stdout.write("Shared secret (shown only now; enter it on the peer too):")
            self.stdout.write(secret)
