from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from tuntas.core.sealing import unseal_text
from tuntas.notifications.models import Notification, NotificationStatus
from tuntas.notifications.services import mask_recipient


class Command(BaseCommand):
    help = (
        "List messages that could not be delivered after every attempt (newest first). "
        "Recipients are masked; message bodies are not printed."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--institution", type=int, help="Only this institution (its id).")
        parser.add_argument("--limit", type=int, default=100, help="At most this many (100).")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = Notification.objects.filter(status=NotificationStatus.FAILED).order_by(
            "-created_at", "-pk"
        )
        if options["institution"] is not None:
            failed = failed.filter(institution_id=options["institution"])
        total = failed.count()
        if not total:
            self.stdout.write(self.style.SUCCESS("No failed notifications."))
            return
        self.stdout.write(
            f"{total} failed notification(s); showing {min(total, options['limit'])}:"
        )
        for notification in failed[: max(options["limit"], 0)]:
            created = timezone.localtime(notification.created_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                f"  #{notification.pk} {created} {notification.channel:<8} "
                f"to {mask_recipient(unseal_text(notification.sealed_recipient))} "
                f"report {notification.report_id or '-'} "
                f"institution {notification.institution_id or '-'} "
                f"attempts {notification.attempts}: {notification.last_error or '-'}"
            )
