"""Reads of the outbox for staff: scoped like everything else, through accounts.access."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tuntas.accounts.access import scope_of
from tuntas.notifications.models import Notification, NotificationStatus


def notifications_failed_for(actor: Any) -> QuerySet[Notification]:
    """Messages that could not be delivered, about the institutions the actor sees as a whole.

    Unit officers see none: a notification records its institution, not its unit, and an
    officer must not learn about other units' reporters.
    """
    failed = Notification.objects.filter(status=NotificationStatus.FAILED).order_by(
        "-created_at", "-pk"
    )
    scope = scope_of(actor)
    if scope.everything:
        return failed
    return failed.filter(institution_id__in=scope.institution_ids)
