"""Peer Tuntas instances, the referrals exchanged with them, and the outbox of messages to them."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuntas.audit.models import AuditEvent
from tuntas.complaints.models import Report
from tuntas.institutions.models import Institution
from tuntas.referrals.workflow import Direction, ReferralState
from tuntas.webhooks.models import DeliveryAttempts


class Peer(models.Model):
    """Another Tuntas instance we exchange referrals with (a partner's, or the Ombudsman's).

    Both sides hold the same shared secret; each names the other by an id agreed between the
    administrators: ``slug`` is how the peer names itself when it calls us, ``our_id`` how we
    name ourselves when we call it.
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("the peer's id here"), max_length=80, unique=True)
    base_url = models.URLField(_("base URL"), max_length=300)
    our_id = models.SlugField(_("our id at the peer"), max_length=80)
    sealed_secret = models.TextField()
    # The peer is an Ombudsman office's instance: a confidential reporter's identity may go there.
    is_ombudsman = models.BooleanField(_("Ombudsman instance"), default=False)
    # Where referrals from this peer land on our side.
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="referral_peers",
        verbose_name=_("receiving institution"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The last audit sequence scanned for status events of reports referred to us by this peer.
    status_cursor = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer instance")
        verbose_name_plural = _("peer instances")

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    """A report referred to (outgoing) or from (incoming) a peer instance."""

    reference = models.UUIDField(default=uuid.uuid4, editable=False)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="referrals")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="referrals")
    state = models.CharField(_("state"), max_length=10, choices=ReferralState.choices)
    reason = models.TextField(_("reason"), blank=True)
    remote_report_number = models.CharField(
        _("number at the other instance"), max_length=40, blank=True
    )
    identity_shared = models.BooleanField(default=False)
    # Incoming: what the origin told us of its attachments (name, type, size, SHA-256).
    attachments = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "direction", "reference"], name="referral_once_per_peer"
            ),
            models.CheckConstraint(
                condition=(Q(direction="incoming") & Q(state="received"))
                | (Q(direction="outgoing") & Q(state__in=["queued", "accepted", "failed"])),
                name="referral_state_fits_direction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.reference}"


class ReferralUpdate(models.Model):
    """A public event of the linked report on the peer's side, as the peer reported it."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="updates")
    remote_event_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=100)
    label = models.JSONField(default=dict)
    case_state = models.CharField(max_length=40, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "remote_event_id"], name="referral_update_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} ({self.remote_event_id[:12]})"

    def label_in(self, language: str) -> str:
        return str(self.label.get(language[:2]) or self.label.get("id") or self.event_type)


class MessageKind(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    STATUS = "status", _("Status update")


class PeerMessage(DeliveryAttempts):
    """One signed request to a peer, written in the transaction of what it reports."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="messages")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    # The audit event the message is about: its sequence orders the referral's messages.
    audit_event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveBigIntegerField()
    event_id = models.CharField(max_length=64)
    # The JSON body, sealed (tuntas.core.sealing): a referral may carry the reporter's identity.
    sealed_body = models.TextField()

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "audit_event"], name="peer_message_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="peer_message_due_idx"),
            models.Index(fields=["referral", "sequence"], name="peer_message_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.sequence} → {self.peer_id}"


class PeerNonce(models.Model):
    """Nonces of signed requests seen within the signature window: an exact replay is refused."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "nonce"], name="peer_nonce_once")]

    def __str__(self) -> str:
        return self.nonce
