from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One message to one recipient; written in the transaction of the change it reports.

    The recipient address and the text are sealed like a reporter identity: the outbox must not
    become a readable list of citizens' phone numbers, nor of the access codes that receipts
    carry (a report's code is otherwise stored only as a hash).
    """

    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    sealed_recipient = models.TextField()
    subject = models.CharField(max_length=200, blank=True)
    sealed_body = models.TextField(blank=True)
    # Plain text of messages queued before bodies were sealed (migration 0003); new rows leave
    # it empty.
    body = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Start of the latest attempt: a "sending" row older than the lease belongs to a dead worker.
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # What the message is about, for staff to see failures next to the case.
    report_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    institution_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="notification_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
            models.CheckConstraint(
                condition=Q(body="") | Q(sealed_body=""), name="notification_one_body"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} ({self.status})"
