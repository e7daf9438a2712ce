"""Webhook subscriptions of API clients and the deliveries fanned out to them.

The transactional outbox is the audit log itself (docs/architecture.md, "webhooks"): every
service already writes its AuditEvent in the transaction of its change, with a gap-free
sequence. A subscription keeps a cursor into that sequence; the worker turns the public events
past the cursor into WebhookDelivery rows (one per subscription and event, a constraint) and
delivers them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuntas.audit.models import AuditEvent
from tuntas.exchange.models import ApiClient


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter: gave up after the last attempt")


class DeliveryAttempts(models.Model):
    """The bookkeeping every outgoing HTTP message shares (webhooks, referrals to peers)."""

    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When the current attempt claimed the row; a claim older than the lease is a dead worker's.
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        abstract = True


class Subscription(models.Model):
    """An API client's endpoint and the public event types it wants."""

    client = models.ForeignKey(
        ApiClient,
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
        verbose_name=_("API client"),
    )
    target_url = models.URLField(_("target URL"), max_length=500)
    # Fernet token (tuntas.core.sealing) of the signing secret; shown once when created.
    sealed_secret = models.TextField()
    # Audit action names (public ones); empty means every public event.
    event_types = models.JSONField(_("event types"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The last audit sequence fanned out into deliveries for this subscription.
    cursor = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["client__institution__name", "client__name", "pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.client.name} → {self.target_url}"

    def wants(self, action: str) -> bool:
        return not self.event_types or action in self.event_types


class WebhookDelivery(DeliveryAttempts):
    """One event for one subscription. The body is frozen when fanned out, so retries and
    replays send the same bytes under the same event id."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    audit_event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveBigIntegerField()  # the audit event's: the order to keep
    # What "order kept per case" groups by: the report the event is about.
    ordering_key = models.CharField(max_length=64)
    event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=100)
    body = models.TextField()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "audit_event"], name="webhook_delivery_once_per_event"
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="webhook_delivered_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx"),
            models.Index(
                fields=["subscription", "ordering_key", "sequence"], name="webhook_order_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.sequence} → {self.subscription_id}"
