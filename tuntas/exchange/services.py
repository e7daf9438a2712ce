"""Every write of the exchange app: API clients and reports that arrive through the API."""

from __future__ import annotations

import dataclasses
import datetime
import secrets
import string
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.audit.services import audit_batch, audit_record
from tuntas.complaints.models import Channel, Report
from tuntas.complaints.services_intake import (
    DuplicateChannelMessage,
    PreparedReport,
    ReportDraft,
    SubmittedReport,
    report_prepare,
    report_submit_prepared,
)
from tuntas.exchange.models import ApiClient, ApiScope
from tuntas.exchange.selectors import KEY_PREFIX_LENGTH, client_may_submit_to, hash_api_key
from tuntas.institutions.models import Institution

_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
# last_used_at is telemetry for administrators, not an event: refresh it at most this often.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _new_key() -> tuple[str, str]:
    """A fresh (prefix, key): ``prefix.secret`` with 32 random bytes of secret."""
    while True:
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(KEY_PREFIX_LENGTH))
        if not ApiClient.objects.filter(key_prefix=prefix).exists():
            return prefix, f"{prefix}.{secrets.token_urlsafe(32)}"


def _clean_scopes(scopes: list[str] | tuple[str, ...]) -> list[str]:
    cleaned = sorted({scope.strip() for scope in scopes if scope.strip()})
    unknown = [scope for scope in cleaned if scope not in ApiScope.values]
    if unknown or not cleaned:
        raise ValidationError(
            {
                "scopes": _("Choose one or more scopes from: %(scopes)s.")
                % {"scopes": ", ".join(ApiScope.values)}
            }
        )
    return cleaned


@transaction.atomic
def api_client_create(
    *,
    actor: Any,
    institution: Institution,
    name: str,
    scopes: list[str] | tuple[str, ...],
    expires_at: datetime.datetime | None = None,
    rate_limit: str = "",
) -> tuple[ApiClient, str]:
    """A new client and its key; the key is returned once and only its hash is kept."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    prefix, key = _new_key()
    client = ApiClient(
        institution=institution,
        name=name.strip(),
        key_prefix=prefix,
        key_hash=hash_api_key(key),
        scopes=_clean_scopes(scopes),
        expires_at=expires_at,
        rate_limit=rate_limit.strip(),
    )
    client.full_clean()
    client.save()
    audit_record(
        actor=actor,
        action="api_client.created",
        obj=client,
        institution_id=institution.pk,
        changes={
            "name": [None, client.name],
            "key_prefix": [None, prefix],
            "scopes": [None, client.scopes],
            "expires_at": [None, expires_at],
            "rate_limit": [None, client.rate_limit],
        },
    )
    return client, key


@transaction.atomic
def api_client_set_limits(
    *,
    client: ApiClient,
    actor: Any,
    rate_limit: str | None = None,
    expires_at: datetime.datetime | str | None = "unchanged",
) -> ApiClient:
    """Change a client's rate limit ("" = the default) and/or its expiry (None = never)."""
    changes: dict[str, list[Any]] = {}
    if rate_limit is not None and rate_limit.strip() != client.rate_limit:
        changes["rate_limit"] = [client.rate_limit, rate_limit.strip()]
        client.rate_limit = rate_limit.strip()
    if not isinstance(expires_at, str) and expires_at != client.expires_at:
        if expires_at is not None and expires_at <= timezone.now():
            raise ValidationError({"expires_at": _("The expiry must be in the future.")})
        changes["expires_at"] = [client.expires_at, expires_at]
        client.expires_at = expires_at
    if not changes:
        return client
    client.full_clean()
    client.save(update_fields=["rate_limit", "expires_at"])
    audit_record(
        actor=actor,
        action="api_client.limits_changed",
        obj=client,
        institution_id=client.institution_id,
        changes=changes,
    )
    return client


@transaction.atomic
def api_client_rotate(*, client: ApiClient, actor: Any) -> tuple[ApiClient, str]:
    """Replace the key; the old one stops working when this commits."""
    if not client.is_active:
        raise ValidationError(_("A revoked API client cannot get a new key."))
    old_prefix = client.key_prefix
    prefix, key = _new_key()
    client.key_prefix = prefix
    client.key_hash = hash_api_key(key)
    client.save(update_fields=["key_prefix", "key_hash"])
    audit_record(
        actor=actor,
        action="api_client.rotated",
        obj=client,
        institution_id=client.institution_id,
        changes={"key_prefix": [old_prefix, prefix]},
    )
    return client, key


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor: Any, reason: str = "") -> ApiClient:
    if not client.is_active:
        return client
    client.is_active = False
    client.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="api_client.revoked",
        obj=client,
        institution_id=client.institution_id,
        changes={"is_active": [True, False]},
        data={"reason": reason.strip()[:1000]},
    )
    return client


def api_client_mark_used(*, client: ApiClient, now: datetime.datetime | None = None) -> None:
    """Note when the key was last used (not audited: it is a counter, not a change of state)."""
    moment = now or timezone.now()
    if client.last_used_at is not None and client.last_used_at >= moment - LAST_USED_RESOLUTION:
        return  # an UPDATE that changes nothing still takes SQLite's write lock
    ApiClient.objects.filter(pk=client.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=moment - LAST_USED_RESOLUTION)
    ).update(last_used_at=moment)


# --- Reports from channel systems ---------------------------------------------------------


class DuplicateExternalId(Exception):
    """The client already sent a report with this external id."""

    def __init__(self, report: Report) -> None:
        super().__init__(report.public_number)
        self.report = report


def channel_reference_for(*, client: ApiClient, external_id: str) -> str:
    # Namespaced by client: two channel systems may both number their messages from 1.
    return f"{client.pk}:{external_id}" if external_id else ""


def api_report_prepare(
    *, client: ApiClient, draft: ReportDraft, external_id: str = ""
) -> PreparedReport:
    """Check that ``client`` may send ``draft`` and prepare it (report_prepare): no writes."""
    if not client_may_submit_to(client, draft.institution):
        raise ValidationError(
            {"institution": _("Unknown institution, or one this API key may not send reports to.")}
        )
    reference = channel_reference_for(client=client, external_id=external_id)
    return report_prepare(
        draft=dataclasses.replace(draft, channel_reference=reference),
        channel=Channel.API,
        actor=None,
    )


def api_report_submit(
    *, client: ApiClient, draft: ReportDraft, external_id: str = ""
) -> SubmittedReport:
    """A report from a channel system: the intake pipeline plus an event naming the client."""
    return api_report_submit_prepared(
        client=client,
        prepared=api_report_prepare(client=client, draft=draft, external_id=external_id),
        external_id=external_id,
    )


def api_report_submit_prepared(
    *, client: ApiClient, prepared: PreparedReport, external_id: str = ""
) -> SubmittedReport:
    """Store an api_report_prepare()d report with the client's event, in one transaction.

    A repeated external id is caught by the report table's unique index (channel,
    channel_reference) and answered with the first report (DuplicateExternalId), so there is
    no look-up first.
    """
    try:
        # One batch: the client's event joins the report's and the case's in one chain write.
        with transaction.atomic(), audit_batch():
            submitted = report_submit_prepared(prepared=prepared)
            audit_record(
                actor=None,
                action="api.report_submitted",
                obj=submitted.report,
                institution_id=prepared.report.institution_id,
                data={
                    "client_id": client.pk,
                    "key_prefix": client.key_prefix,
                    "external_id": external_id,
                },
            )
    except DuplicateChannelMessage as clash:
        raise DuplicateExternalId(clash.report) from None
    return submitted
