"""Channel systems that talk to Tuntas over the API, and what they have already asked."""

from __future__ import annotations

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuntas.institutions.models import Institution


class ApiScope(models.TextChoices):
    READ = "read", _("Read reports")
    SUBMIT = "submit", _("Submit reports")
    EXCHANGE = "exchange", _("Exchange cases with other systems")
    ADMIN = "admin", _("Administer the institution's data")


class ApiClient(models.Model):
    """A channel system (a LAPOR! connector, a call centre, an agency portal) with its key.

    Only a SHA-256 of the key is stored: the key is 32 random bytes, so a fast hash is enough
    (nothing can be guessed offline), and the prefix lets the key be found without a scan.
    """

    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="api_clients",
        verbose_name=_("institution"),
    )
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(_("key prefix"), max_length=8, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # "<count>/<sec|min|hour|day>"; blank: the API_CLIENT_RATE setting applies.
    rate_limit = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^[1-9][0-9]{0,6}/(s|sec|m|min|h|hour|d|day)$",
                _("Write the rate as <count>/<sec|min|hour|day>, for example 600/min."),
            )
        ],
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["institution__name", "name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"],
                name="api_client_name_once_per_institution",
                violation_error_message=_(
                    "This institution already has an API client of that name."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix})"

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def is_usable(self, *, now: datetime.datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.is_active and (self.expires_at is None or self.expires_at > moment)


class IdempotencyState(models.TextChoices):
    IN_FLIGHT = "in_flight", _("In flight")
    COMPLETED = "completed", _("Completed")


class IdempotencyRecord(models.Model):
    """The first answer to an ``Idempotency-Key``, replayed to every retry (Stripe semantics).

    The key is unique per client, never globally, so that one client cannot read another's
    answers by guessing keys. The answer is sealed: a report's answer holds its access code,
    which is otherwise never stored in the clear.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    state = models.CharField(
        max_length=10, choices=IdempotencyState.choices, default=IdempotencyState.IN_FLIGHT
    )
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # Fernet token of the exact bytes of the first response body (tuntas.core.sealing).
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the current attempt took the key; a later attempt may take over a stale one.
    locked_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "key"], name="idempotency_key_once_per_client"
            ),
            models.CheckConstraint(
                condition=Q(state="in_flight") | Q(response_status__isnull=False),
                name="idempotency_completed_has_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"
