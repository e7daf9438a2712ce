"""What Open311 shows: public reports only, redacted, with no reporter's identity ever."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import translation

from tuntas.audit import registry
from tuntas.audit.models import AuditEvent
from tuntas.complaints.models import Category, Report, ReportStatus, Visibility
from tuntas.exchange.redaction import identity_of_sealed, redact_text
from tuntas.institutions.models import Institution
from tuntas.open311.mapping import (
    OPEN311_CLOSED_STATES,
    OPEN311_OPEN_STATES,
    end_of_day,
    open311_status,
    status_notes,
    w3c,
)
from tuntas.open311.models import RequestToken
from tuntas.open311.render import to_json

_COLUMNS = (
    "pk",
    "public_number",
    "status",
    "description",
    "submitted_at",
    "updated_at",
    "address",
    "kelurahan",
    "latitude",
    "longitude",
    "category__slug",
    "category__name_id",
    "category__name_en",
    "institution__name",
    "unit__name",
    "identity__sealed",
    "agency_case__state",
    "agency_case__due_on",
    "agency_case__closed_at",
    "agency_case__institution__name",
)


def jurisdiction_get(slug: str) -> Institution | None:
    return Institution.objects.filter(slug=slug, is_active=True).first()


def services_list() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("position", "pk")


def service_get(code: str) -> Category | None:
    return Category.objects.filter(slug=code, is_active=True).first()


def units_of(institution: Institution | None) -> list[tuple[int, str]]:
    if institution is None:
        return []
    return list(institution.units.filter(is_active=True).order_by("name").values_list("pk", "name"))


# Documents remembered per worker process: a few pages of the default (1000-request) answer,
# about 2 KB each with its JSON.
DOCUMENT_CACHE_SIZE = 8192
# A row of requests_find: a named tuple of _COLUMNS (hashable, so documents can be cached).
PublicRow = Any


@dataclass(frozen=True)
class RequestFilter:
    jurisdiction: Institution | None
    ids: list[str] | None = None
    service_codes: list[str] | None = None
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    statuses: list[str] | None = None
    offset: int = 0
    limit: int = 1000


def _public() -> QuerySet[Report]:
    # The one gate: a report is in Open311 only if its reporter made it public.
    return Report.objects.filter(visibility=Visibility.PUBLIC)


def requests_find(criteria: RequestFilter) -> list[PublicRow]:
    """Public reports, newest first, bounded: one query, on the public indexes."""
    reports = _public()
    if criteria.jurisdiction is not None:
        reports = reports.filter(institution=criteria.jurisdiction)
    if criteria.ids is not None:
        reports = reports.filter(public_number__in=criteria.ids)
    else:
        if criteria.start is not None:
            reports = reports.filter(submitted_at__gte=criteria.start)
        if criteria.end is not None:
            reports = reports.filter(submitted_at__lte=criteria.end)
        if criteria.service_codes:
            reports = reports.filter(category__slug__in=criteria.service_codes)
        if criteria.statuses and set(criteria.statuses) != {"open", "closed"}:
            if "open" in criteria.statuses:
                reports = reports.filter(
                    Q(agency_case__state__in=sorted(OPEN311_OPEN_STATES))
                    | Q(agency_case__isnull=True, status=ReportStatus.RECEIVED)
                )
            else:
                reports = reports.filter(
                    Q(agency_case__state__in=sorted(OPEN311_CLOSED_STATES))
                    | Q(agency_case__isnull=True, status=ReportStatus.WITHDRAWN)
                )
    rows = reports.order_by("-submitted_at", "-pk").values_list(*_COLUMNS, named=True)[
        criteria.offset : criteria.offset + criteria.limit
    ]
    return list(rows)


def request_get(*, number: str, jurisdiction: Institution | None) -> PublicRow | None:
    found = requests_find(RequestFilter(jurisdiction=jurisdiction, ids=[number], limit=1))
    return found[0] if found else None


def token_get(token: str) -> RequestToken | None:
    return RequestToken.objects.select_related("report").filter(token=token).first()


@functools.lru_cache(maxsize=4096)
def _public_texts(description: str, address: str, sealed: str | None) -> tuple[str, str]:
    """The redacted description and address, remembered per process: a polled feed asks for
    the same rows again and again, and the key holds everything the result depends on."""
    identity = identity_of_sealed(sealed)
    return redact_text(description, identity=identity), redact_text(address, identity=identity)


@functools.lru_cache(maxsize=256)
def _status_notes(case_state: str | None, report_status: str, language: str) -> str:
    with translation.override(language):
        return status_notes(case_state=case_state, report_status=report_status)


@functools.lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def request_document(row: PublicRow, *, language: str) -> dict[str, Any]:
    """One ``request`` of GeoReport v2, every field in the spec's order.

    Remembered per process, keyed on the whole row and the language — everything the document
    depends on — so a changed report is a new key, never a stale answer. Callers must not
    change the dict they get (copy it to add to it).
    """
    case_state = row.agency_case__state
    status = open311_status(case_state=case_state, report_status=row.status)
    closed_at = row.agency_case__closed_at
    updated = closed_at if status == "closed" and closed_at is not None else row.updated_at
    agency = row.agency_case__institution__name or row.institution__name
    if row.unit__name:
        agency = f"{agency} — {row.unit__name}"
    english = language.startswith("en")
    address = ", ".join(part for part in (row.address, row.kelurahan) if part)
    description, address = _public_texts(row.description, address, row.identity__sealed)
    return {
        "service_request_id": row.public_number,
        "status": status,
        "status_notes": _status_notes(case_state, row.status, language),
        "service_name": row.category__name_en if english else row.category__name_id,
        "service_code": row.category__slug,
        "description": description,
        "agency_responsible": agency,
        "service_notice": "",
        "requested_datetime": w3c(row.submitted_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": w3c(end_of_day(row.agency_case__due_on)) if status == "open" else None,
        "address": address,
        "address_id": "",
        "zipcode": "",
        "lat": float(row.latitude) if row.latitude is not None else None,
        "long": float(row.longitude) if row.longitude is not None else None,
        "media_url": "",
    }


@functools.lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def request_json(row: PublicRow, *, language: str) -> bytes:
    """The document as a JSON array item, encoded once per row and language (as above)."""
    return to_json(request_document(row, language=language))


def request_notes(report_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The update-history extension: each report's public events, oldest first."""
    public = {action.name: action.label for action in registry.all_actions() if action.public}
    events = (
        AuditEvent.objects.filter(
            object_type="complaints.report",
            object_id__in=[str(pk) for pk in report_ids],
            action__in=sorted(public),
        )
        .order_by("sequence")
        .values("object_id", "action", "occurred_at")
    )
    notes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        notes[int(event["object_id"])].append(
            {
                "datetime": w3c(event["occurred_at"]),
                "description": str(public[event["action"]]),
                "type": event["action"],
            }
        )
    return notes
