"""Reads for the API: which key is presented, and where its client may send reports."""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from tuntas.audit.models import AuditEvent
from tuntas.cases.models import AgencyCase
from tuntas.complaints.codes import PUBLIC_NUMBER_PATTERN
from tuntas.complaints.models import Report
from tuntas.complaints.selectors import report_public_timeline
from tuntas.core.rows import (
    concrete_attnames,
    fetch_one,
    instance_from_row,
    quoted_columns,
    quoted_table,
    select_list,
)
from tuntas.exchange.models import ApiClient, ApiScope
from tuntas.institutions.models import Institution

KEY_PREFIX_LENGTH = 8
# Compared when the prefix is unknown, so that an unknown and a wrong key cost the same time.
_DUMMY_HASH = hashlib.sha256(b"tuntas-no-such-api-key").hexdigest()


def hash_api_key(key: str) -> str:
    # The key carries 256 random bits: a salted slow hash would add nothing but latency.
    return hashlib.sha256(key.encode()).hexdigest()


_CLIENT_COLUMNS = concrete_attnames(ApiClient)
_INSTITUTION_COLUMNS = concrete_attnames(Institution)


@functools.cache
def _client_by_prefix_sql(vendor: str) -> str:
    client, institution = quoted_columns(ApiClient), quoted_columns(Institution)
    # Identifiers from the models' own metadata, quoted; the prefix travels as a parameter.
    return (
        f"SELECT {select_list(ApiClient, _CLIENT_COLUMNS, 'c')}, "  # noqa: S608
        f"{select_list(Institution, _INSTITUTION_COLUMNS, 'i')} "
        f"FROM {quoted_table(ApiClient)} c JOIN {quoted_table(Institution)} i "
        f"ON i.{institution[Institution._meta.pk.attname]} = c.{client['institution_id']} "
        f"WHERE c.{client['key_prefix']} = %s"
    )


def _client_by_prefix(prefix: str) -> ApiClient | None:
    """The client with its institution, by the unique prefix: every API request asks, so
    this is SQL, converted as the ORM would (the queryset cost six times the query)."""
    row = fetch_one(_client_by_prefix_sql(connection.vendor), [prefix])
    if row is None:
        return None
    split = len(_CLIENT_COLUMNS)
    client = instance_from_row(ApiClient, _CLIENT_COLUMNS, row[:split])
    client.institution = instance_from_row(Institution, _INSTITUTION_COLUMNS, row[split:])
    return client


def api_client_for_key(key: str) -> ApiClient | None:
    """The client whose key this is, whatever its state (the caller judges expiry); else None."""
    prefix, dot, _secret = key.partition(".")
    client = _client_by_prefix(prefix) if dot and len(prefix) == KEY_PREFIX_LENGTH else None
    stored = client.key_hash if client is not None else _DUMMY_HASH
    matches = hmac.compare_digest(hash_api_key(key), stored)
    return client if client is not None and matches else None


def client_may_submit_to(client: ApiClient, institution: Institution) -> bool:
    """institutions_open_to(client) contains ``institution``, decided without a query."""
    return client.institution.is_ombudsman or institution.pk == client.institution_id


def institutions_open_to(client: ApiClient) -> QuerySet[Institution]:
    """A client sends reports to its own institution; an Ombudsman office's client to any."""
    if client.institution.is_ombudsman:
        return Institution.objects.all()
    return Institution.objects.filter(pk=client.institution_id)


# --- What a client may read ----------------------------------------------------------------


def institutions_readable_by(client: ApiClient) -> QuerySet[Institution]:
    """Its own institution; an Ombudsman office also the institutions in its jurisdiction,
    the central office everything."""
    institution = client.institution
    if _sees_everything(client):
        return Institution.objects.all()
    if institution.is_ombudsman:
        return Institution.objects.filter(
            Q(pk=institution.pk) | Q(supervising_office=institution) | Q(parent=institution)
        )
    return Institution.objects.filter(pk=institution.pk)


def _sees_everything(client: ApiClient) -> bool:
    return client.institution.is_ombudsman and client.institution.parent_id is None


def reports_readable_by(client: ApiClient) -> QuerySet[Report]:
    """Reports with an institution the client may read (a transfer moves the report too)."""
    if _sees_everything(client):
        return Report.objects.all()
    return Report.objects.filter(
        institution_id__in=list(institutions_readable_by(client).values_list("pk", flat=True))
    )


def cases_readable_by(client: ApiClient) -> QuerySet[AgencyCase]:
    """Cases in the custody of an institution the client may read."""
    if _sees_everything(client):
        return AgencyCase.objects.all()
    return AgencyCase.objects.filter(
        institution_id__in=list(institutions_readable_by(client).values_list("pk", flat=True))
    )


def report_get_for_client(*, client: ApiClient, number: str) -> Report:
    """The report, or Http404 when it does not exist or is out of the client's scope."""
    if not PUBLIC_NUMBER_PATTERN.match(number):
        raise Http404(number)
    report = (
        reports_readable_by(client)
        .select_related("category", "institution", "unit", "agency_case", "identity")
        .filter(public_number=number)
        .first()
    )
    if report is None:
        raise Http404(number)
    return report


def may_read_open_identity(client: ApiClient) -> bool:
    """Open (terbuka) identities go only to systems that exchange cases with ours."""
    return client.has_scope(ApiScope.EXCHANGE)


def report_public_events(report: Report) -> list[tuple[AuditEvent, str]]:
    return report_public_timeline(report=report)


def report_statistics(
    *, client: ApiClient, since: datetime.datetime, until: datetime.datetime
) -> list[dict[str, Any]]:
    """Counts per month by case state, category and channel, within the client's scope.

    One grouped query (month × state × category × channel), folded here: the groups are few
    even when the reports are a million."""
    reports = reports_readable_by(client).filter(submitted_at__gte=since, submitted_at__lt=until)
    groups = (
        reports.annotate(month=TruncMonth("submitted_at"))
        .order_by()
        .values("month", "agency_case__state", "category__slug", "channel")
        .annotate(count=Count("pk"))
    )
    months: dict[str, dict[str, Any]] = {}
    for row in groups:
        month = row["month"]
        key = (timezone.localtime(month) if timezone.is_aware(month) else month).strftime("%Y-%m")
        bucket = months.setdefault(
            key, {"month": key, "total": 0, "by_state": {}, "by_category": {}, "by_channel": {}}
        )
        count = row["count"]
        bucket["total"] += count
        for dimension, value in (
            ("by_state", row["agency_case__state"] or "none"),
            ("by_category", row["category__slug"]),
            ("by_channel", row["channel"]),
        ):
            bucket[dimension][value] = bucket[dimension].get(value, 0) + count
    return [months[key] for key in sorted(months)]
