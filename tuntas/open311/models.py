"""What Open311 keeps of its own: the tokens of requests posted to a batch endpoint."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuntas.complaints.models import Report
from tuntas.exchange.models import ApiClient


class RequestToken(models.Model):
    """A token handed back for a POST when the endpoint answers as a ``batch`` service.

    ``GET tokens/{token}`` turns it into the ``service_request_id``; the token is 128 random
    bits, known only to the client that posted.
    """

    token = models.CharField(_("token"), max_length=40, unique=True)
    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="open311_token")
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 request token")
        verbose_name_plural = _("Open311 request tokens")

    def __str__(self) -> str:
        return self.token
