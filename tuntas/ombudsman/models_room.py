"""The joint case room (MoU "percepatan penyelesaian"): Ombudsman staff and the partner's liaison."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuntas.institutions.models import Institution


class RoomMessage(models.Model):
    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="room_messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="room_message_not_empty")]

    def __str__(self) -> str:
        return f"room message on {self.case_id}"


class RoomDocument(models.Model):
    """A document shared in the room, stored like an attachment (a safe copy only)."""

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="room_documents"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class AgreedAction(models.Model):
    """An action the Ombudsman and the partner agreed on, with who does it and by when."""

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="agreed_actions"
    )
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible")
    )
    due_on = models.DateField(_("deadline"))
    done_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(_("evidence that it was done"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="agreed_action_described"),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(evidence=""),
                name="agreed_action_done_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class UnitPush(models.Model):
    """The liaison urged the reported unit's officers to act on a case (MoU "percepatan").

    At most one per case per day, so the officers are not spammed: the unique constraint is the
    rate limit, and it holds under concurrent clicks too.
    """

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="unit_pushes"
    )
    pushed_on = models.DateField()
    pushed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "pushed_on"], name="unit_push_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"push on {self.case_id} ({self.pushed_on})"
