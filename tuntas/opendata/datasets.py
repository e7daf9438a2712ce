"""The open statistical datasets, computed from the agency cases and suppressed for privacy.

Nothing personal is read: only codes (month, institution slug, category, channel, state) and
timestamps. No free text is published at all — not even of public reports, whose redaction is
not yet a separate field. Counts below ``OPENDATA_MIN_COUNT`` are suppressed with
complementary suppression (``suppression.py``) over every relation the files publish:
each cell family's totals by month × institution and month × category, the two families against
each other within a month, and the count of closed cases behind the handling times.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Min
from django.utils import timezone

from tuntas.audit.models import AuditEvent
from tuntas.cases.models import AgencyCase
from tuntas.cases.workflow import CLOSED_STATES
from tuntas.opendata.dimensions import Dimension, dimensions
from tuntas.opendata.ombudsman_data import OMBUDSMAN_TABLE_NAMES, ombudsman_tables
from tuntas.opendata.suppression import suppress
from tuntas.opendata.tables import Table, median, percentile
from tuntas.sla.services import calendar_for

CACHE_KEY = "opendata:release:v2"  # v2: the Ombudsman tables
# The institution's first answer: the first step it takes after the report arrives.
RESPONSE_ACTIONS = (
    "case.verify",
    "case.reject",
    "case.request_information",
    "case.transfer",
    "case.message_sent",
)


@dataclass
class Release:
    generated_at: datetime.datetime
    threshold: int
    tables: dict[str, Table]


CUBE = "cases"
TOTALS_INSTITUTION = "totals-by-institution"
TOTALS_CATEGORY = "totals-by-category"
TIMES = "handling-times"
TABLE_NAMES = (CUBE, TOTALS_INSTITUTION, TOTALS_CATEGORY, TIMES, *OMBUDSMAN_TABLE_NAMES)


def _cube(dims: list[Dimension]) -> dict[tuple[str, ...], int]:
    sources = {
        f"d_{d.name}": (F(d.source) if isinstance(d.source, str) else d.source) for d in dims
    }
    counts: dict[tuple[str, ...], int] = {}
    for row in AgencyCase.objects.values(**sources).annotate(n=Count("pk")).order_by():
        key = tuple(d.code(row[f"d_{d.name}"]) for d in dims)
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def _times() -> dict[tuple[str, str], dict[str, list[int]]]:
    """Working days to the first response and to closing, per month × institution."""
    first_response = {
        int(object_id): moment
        for object_id, moment in AuditEvent.objects.filter(
            object_type="complaints.report", action__in=RESPONSE_ACTIONS
        )
        .values("object_id")
        .annotate(first=Min("occurred_at"))
        .values_list("object_id", "first")
        .order_by()
    }
    calendars: dict[str, Any] = {}
    groups: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(
        lambda: {"resolution": [], "response": []}
    )
    tz = timezone.get_current_timezone()
    rows = AgencyCase.objects.values_list(
        "report_id",
        "opened_at",
        "closed_at",
        "state",
        "institution__slug",
        "institution__region_code",
    ).order_by()
    for report_id, opened_at, closed_at, state, slug, region in rows.iterator(chunk_size=5000):
        calendar = calendars.get(region)
        if calendar is None:
            calendar = calendars[region] = calendar_for(region_code=region)
        opened = opened_at.astimezone(tz)
        key = (opened.strftime("%Y-%m"), slug)
        group = groups[key]  # every month × institution with a case has a row
        start = opened.date()
        if state in CLOSED_STATES and closed_at is not None:
            group["resolution"].append(
                max(0, calendar.working_days_between(start, closed_at.astimezone(tz).date()))
            )
        answered = first_response.get(report_id)
        if answered is not None and answered >= opened_at:
            group["response"].append(
                max(0, calendar.working_days_between(start, answered.astimezone(tz).date()))
            )
    return groups


def release_build(*, threshold: int | None = None) -> Release:
    """Compute every table; a pure read (the caller caches it)."""
    limit = threshold or settings.OPENDATA_MIN_COUNT
    dims = dimensions()
    names = [d.name for d in dims]
    cube = _cube(dims)
    cells = sorted(cube)
    values: list[int] = [cube[key] for key in cells]
    index_of_cell = {key: index for index, key in enumerate(cells)}

    by_institution: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_category: dict[tuple[str, str], list[int]] = defaultdict(list)
    closed_cells: dict[tuple[str, str], list[int]] = defaultdict(list)
    category_at = names.index("category")
    stage_at = names.index("stage")
    for key, index in index_of_cell.items():
        by_institution[(key[0], key[1])].append(index)
        by_category[(key[0], key[category_at])].append(index)
        if key[stage_at] in CLOSED_STATES:
            closed_cells[(key[0], key[1])].append(index)

    relations: list[list[int]] = []

    def add_total(members: list[int]) -> int:
        values.append(sum(values[i] for i in members))
        relations.append([len(values) - 1, *members])
        return len(values) - 1

    institution_totals = {group: add_total(m) for group, m in sorted(by_institution.items())}
    category_totals = {group: add_total(m) for group, m in sorted(by_category.items())}
    months: dict[str, list[int]] = defaultdict(list)
    for (month, _inst), index in institution_totals.items():
        months[month].append(index)
    for (month, _cat), index in category_totals.items():
        months[month].append(index)
    relations.extend(months.values())

    times = _times()
    resolved_index: dict[tuple[str, str], int] = {}
    responded_index: dict[tuple[str, str], int] = {}
    for group in sorted(times):
        members = closed_cells.get(group, [])
        if members:
            resolved_index[group] = add_total(members)
        values.append(len(times[group]["response"]))
        responded_index[group] = len(values) - 1

    hidden = suppress(values, relations, threshold=limit)

    def shown(index: int) -> tuple[int | None, bool]:
        return (None, True) if hidden[index] else (values[index], False)

    tables = {
        CUBE: Table(CUBE, [*names, "count", "suppressed"]),
        TOTALS_INSTITUTION: Table(
            TOTALS_INSTITUTION, ["month", "institution", "count", "suppressed"]
        ),
        TOTALS_CATEGORY: Table(TOTALS_CATEGORY, ["month", "category", "count", "suppressed"]),
        TIMES: Table(
            TIMES,
            [
                "month",
                "institution",
                "closed_count",
                "closed_suppressed",
                "resolution_median_working_days",
                "resolution_p90_working_days",
                "responded_count",
                "responded_suppressed",
                "response_median_working_days",
                "response_p90_working_days",
            ],
        ),
    }
    for key, index in index_of_cell.items():
        tables[CUBE].rows.append([*key, *shown(index)])
    for group, index in institution_totals.items():
        tables[TOTALS_INSTITUTION].rows.append([*group, *shown(index)])
    for group, index in category_totals.items():
        tables[TOTALS_CATEGORY].rows.append([*group, *shown(index)])
    for group in sorted(times):
        resolution = times[group]["resolution"]
        response = times[group]["response"]
        closed_count, closed_hidden = (
            shown(resolved_index[group]) if group in resolved_index else (0, False)
        )
        responded_count, responded_hidden = shown(responded_index[group])
        tables[TIMES].rows.append(
            [
                *group,
                closed_count,
                closed_hidden,
                median(resolution) if resolution and not closed_hidden else None,
                percentile(resolution, 0.9) if resolution and not closed_hidden else None,
                responded_count,
                responded_hidden,
                median(response) if response and not responded_hidden else None,
                percentile(response, 0.9) if response and not responded_hidden else None,
            ]
        )
    tables.update(ombudsman_tables(threshold=limit))
    return Release(timezone.now(), limit, tables)


def release_current() -> Release:
    """The cached release, computed when missing or expired."""
    release = cache.get(CACHE_KEY)
    if release is None:
        release = release_refresh()
    return release


def release_refresh() -> Release:
    release = release_build()
    cache.set(CACHE_KEY, release, settings.OPENDATA_CACHE_SECONDS)
    return release
