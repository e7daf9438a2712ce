"""Messages that arrive through a channel (SMS, WhatsApp, e-mail), one row per message.

The row is what makes intake idempotent: a gateway that retries, or a mailbox read twice, finds
the message already recorded and nothing is created again. It also records what became of the
message (a new report, a reply threaded into one, or a refusal answered to the sender). The
sender is kept only as a blind index, never in clear.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuntas.complaints.models import Channel


class InboundOutcome(models.TextChoices):
    CREATED = "created", _("New report")
    THREADED = "threaded", _("Added to a report")
    UNMATCHED = "unmatched", _("No report of this sender with that number")
    REFUSED = "refused", _("Refused")
    IGNORED = "ignored", _("Ignored (automatic message)")


class InboundMessage(models.Model):
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    message_id = models.CharField(max_length=200)
    sender_digest = models.CharField(max_length=64, blank=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=InboundOutcome.choices)
    report = models.ForeignKey(
        "complaints.Report",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inbound_messages",
    )
    received_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "message_id"], name="inbound_message_once_per_channel"
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome__in=["created", "threaded"])
                | models.Q(report__isnull=False),
                name="inbound_message_outcome_has_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.message_id[:40]}"
