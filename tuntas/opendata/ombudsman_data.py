"""The Ombudsman track's open statistics: cases by maladministration type, and handling times.

Read from ``OmbudsmanCase`` (month, office, reported institution) and its current *issued* LAHP
(conclusion, substance, maladministration types — drafts and superseded reports are not
published). The maladministration types are a many-to-many, so a case whose LAHP names two types
counts once in each of their rows; the totals by month × office count every case once. Only
codes, counts and timestamps are read; no free text of the LAHP or the report.

Suppression (``suppression.py``, the same threshold) runs over this family's own relations: each
month × office total with its cells (for cases with one type or none — the usual case — the cells
add up to the total exactly, so the relation is real; with several types it is kept anyway, which
only hides more). The closed and responded counts behind the times are counted cases too and are
hidden below the threshold, and then so are their median and 90th percentile.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import F, Min
from django.utils import timezone

from tuntas.audit.models import AuditEvent
from tuntas.ombudsman.models import Lahp, OmbudsmanCase
from tuntas.ombudsman.workflow import CLOSED_STATES
from tuntas.opendata.dimensions import Dimension, ombudsman_dimensions
from tuntas.opendata.suppression import suppress
from tuntas.opendata.tables import Table, median, percentile
from tuntas.sla.services import calendar_for

OMBUDSMAN_CUBE = "ombudsman-cases"
OMBUDSMAN_TOTALS = "ombudsman-totals-by-office"
OMBUDSMAN_TIMES = "ombudsman-handling-times"
OMBUDSMAN_TABLE_NAMES = (OMBUDSMAN_CUBE, OMBUDSMAN_TOTALS, OMBUDSMAN_TIMES)
# The Ombudsman's first decision on a report it received (verifikasi formil, PO 58/2023).
RESPONSE_ACTIONS = (
    "ombudsman.formal_verify",
    "ombudsman.close_formal",
    "ombudsman.request_completeness",
    "ombudsman.rco_accept",
)
TIMES_COLUMNS = [
    "month",
    "office",
    "closed_count",
    "closed_suppressed",
    "closure_median_working_days",
    "closure_p90_working_days",
    "responded_count",
    "responded_suppressed",
    "response_median_working_days",
    "response_p90_working_days",
]


def _is_lahp_dimension(dimension: Dimension) -> bool:
    return isinstance(dimension.source, str) and dimension.source.startswith("lahps__")


def _issued_lahps() -> dict[int, tuple[str, str, list[str]]]:
    """case id → (conclusion, substance code, maladministration type codes) of its issued LAHP."""
    current = Lahp.objects.filter(superseded=False, issued_at__isnull=False)
    types: dict[int, list[str]] = defaultdict(list)
    through = Lahp.maladministration_types.through
    for lahp_id, code in (
        through.objects.filter(lahp__in=current.values("pk"))
        .values_list("lahp_id", "maladministrationtype__code")
        .order_by("lahp_id", "maladministrationtype__code")
    ):
        types[lahp_id].append(code)
    return {
        case_id: (conclusion, substance, types.get(lahp_id, []))
        for case_id, lahp_id, conclusion, substance in current.values_list(
            "case_id", "pk", "conclusion", "substance__code"
        ).order_by()
    }


def _lahp_values(dimension: Dimension, lahp: tuple[str, str, list[str]] | None) -> list[str]:
    if lahp is None:
        return [""]
    conclusion, substance, types = lahp
    field = dimension.source.removeprefix("lahps__")  # type: ignore[union-attr]
    if field == "conclusion":
        return [conclusion]
    if field == "substance__code":
        return [substance]
    return list(types) or [""]


def _first_responses() -> dict[int, Any]:
    return {
        int(object_id): moment
        for object_id, moment in AuditEvent.objects.filter(
            object_type="complaints.report", action__in=RESPONSE_ACTIONS
        )
        .values("object_id")
        .annotate(first=Min("occurred_at"))
        .values_list("object_id", "first")
        .order_by()
    }


def _collect(
    dims: list[Dimension],
) -> tuple[dict[tuple[str, ...], int], dict[tuple[str, str], int], dict[tuple[str, str], dict]]:
    """One pass over the cases: the cube's cells, the totals and the times' raw values."""
    case_dims = [d for d in dims if not _is_lahp_dimension(d)]
    sources = {
        f"d_{d.name}": (F(d.source) if isinstance(d.source, str) else d.source) for d in case_dims
    }
    lahps = _issued_lahps()
    answered_at = _first_responses()
    tz = timezone.get_current_timezone()
    calendars: dict[str, Any] = {}
    cube: dict[tuple[str, ...], int] = defaultdict(int)
    totals: dict[tuple[str, str], int] = defaultdict(int)
    times: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(
        lambda: {"closure": [], "response": []}
    )
    rows = OmbudsmanCase.objects.values(
        "pk", "report_id", "opened_at", "closed_at", "state", "office__region_code", **sources
    ).order_by()
    for typed in rows.iterator(chunk_size=5000):
        row: dict[str, Any] = dict(typed)
        known = {d.name: d.code(row[f"d_{d.name}"]) for d in case_dims}
        lahp = lahps.get(row["pk"])
        keys: list[tuple[str, ...]] = [()]
        for d in dims:
            options = [known[d.name]] if d.name in known else _lahp_values(d, lahp)
            keys = [(*key, option) for key in keys for option in options]
        for key in keys:
            cube[key] += 1
        group = (known["month"], known["office"])
        totals[group] += 1
        region = row["office__region_code"]
        calendar = calendars.get(region)
        if calendar is None:
            calendar = calendars[region] = calendar_for(region_code=region)
        opened_at = row["opened_at"]
        start = opened_at.astimezone(tz).date()
        entry = times[group]
        if row["state"] in CLOSED_STATES and row["closed_at"] is not None:
            end = row["closed_at"].astimezone(tz).date()
            entry["closure"].append(max(0, calendar.working_days_between(start, end)))
        answered = answered_at.get(row["report_id"])
        if answered is not None and answered >= opened_at:
            end = answered.astimezone(tz).date()
            entry["response"].append(max(0, calendar.working_days_between(start, end)))
    return dict(cube), dict(totals), dict(times)


def ombudsman_tables(*, threshold: int) -> dict[str, Table]:
    dims = ombudsman_dimensions()
    names = [d.name for d in dims]
    cube, totals, times = _collect(dims)
    cells = sorted(cube)
    values: list[int] = [cube[key] for key in cells]
    members: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, key in enumerate(cells):
        members[(key[0], key[1])].append(index)
    relations: list[list[int]] = []
    total_index: dict[tuple[str, str], int] = {}
    for group in sorted(totals):
        values.append(totals[group])
        total_index[group] = len(values) - 1
        relations.append([total_index[group], *members[group]])
    closed_index: dict[tuple[str, str], int] = {}
    responded_index: dict[tuple[str, str], int] = {}
    for group in sorted(times):
        values.append(len(times[group]["closure"]))
        closed_index[group] = len(values) - 1
        values.append(len(times[group]["response"]))
        responded_index[group] = len(values) - 1
    hidden = suppress(values, relations, threshold=threshold)

    def shown(index: int) -> tuple[int | None, bool]:
        return (None, True) if hidden[index] else (values[index], False)

    cube_table = Table(OMBUDSMAN_CUBE, [*names, "count", "suppressed"])
    for index, key in enumerate(cells):
        cube_table.rows.append([*key, *shown(index)])
    totals_table = Table(OMBUDSMAN_TOTALS, ["month", "office", "count", "suppressed"])
    for group, index in total_index.items():
        totals_table.rows.append([*group, *shown(index)])
    times_table = Table(OMBUDSMAN_TIMES, list(TIMES_COLUMNS))
    for group in sorted(times):
        closure = times[group]["closure"]
        response = times[group]["response"]
        closed_count, closed_hidden = shown(closed_index[group])
        responded_count, responded_hidden = shown(responded_index[group])
        times_table.rows.append(
            [
                *group,
                closed_count,
                closed_hidden,
                median(closure) if closure and not closed_hidden else None,
                percentile(closure, 0.9) if closure and not closed_hidden else None,
                responded_count,
                responded_hidden,
                median(response) if response and not responded_hidden else None,
                percentile(response, 0.9) if response and not responded_hidden else None,
            ]
        )
    return {
        OMBUDSMAN_CUBE: cube_table,
        OMBUDSMAN_TOTALS: totals_table,
        OMBUDSMAN_TIMES: times_table,
    }
