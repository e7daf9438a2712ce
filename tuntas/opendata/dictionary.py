"""The data dictionary: every dataset and every column, with types and allowed codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuntas.opendata.datasets import CUBE, TIMES, TOTALS_CATEGORY, TOTALS_INSTITUTION
from tuntas.opendata.dimensions import Dimension, dimensions, ombudsman_dimensions
from tuntas.opendata.ombudsman_data import OMBUDSMAN_CUBE, OMBUDSMAN_TIMES, OMBUDSMAN_TOTALS


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, integer, number, boolean
    description: str | Promise
    codes: list[tuple[str, str]] | None = None


@dataclass(frozen=True)
class DatasetInfo:
    slug: str
    title: str | Promise
    description: str | Promise
    columns: list[Column]


_SUPPRESSED = _(
    "True when the count is withheld (below the threshold, or withheld so that a total cannot "
    "reveal a withheld count); the count is then empty."
)
_COUNT = _("Number of reports (agency cases).")


_CASES = _("Number of Ombudsman cases.")


def _dimension_columns(
    names: tuple[str, ...] | None = None, *, family: list[Dimension] | None = None
) -> list[Column]:
    return [
        Column(d.name, "string", d.description, d.codes() if d.codes else None)
        for d in (dimensions() if family is None else family)
        if names is None or d.name in names
    ]


def _ombudsman_info() -> list[DatasetInfo]:
    family = ombudsman_dimensions()
    return [
        DatasetInfo(
            OMBUDSMAN_CUBE,
            _(
                "Ombudsman cases by month, office, reported institution, maladministration type, "
                "substance and conclusion"
            ),
            _(
                "One row per combination that has at least one case. A case whose final report "
                "names several maladministration types is counted in the row of each type, so "
                "the rows of a month and office can add up to more than its total."
            ),
            [
                *_dimension_columns(family=family),
                Column("count", "integer", _CASES),
                Column("suppressed", "boolean", _SUPPRESSED),
            ],
        ),
        DatasetInfo(
            OMBUDSMAN_TOTALS,
            _("Ombudsman cases by month and office"),
            _("Every case of the month and office counted once."),
            [
                *_dimension_columns(("month", "office"), family=family),
                Column("count", "integer", _CASES),
                Column("suppressed", "boolean", _SUPPRESSED),
            ],
        ),
        DatasetInfo(
            OMBUDSMAN_TIMES,
            _("Ombudsman response and closure times by month and office"),
            _(
                "Working days (the office's region calendar: weekends and public holidays "
                "excluded) from the opening of the case to the Ombudsman's first decision on it "
                "and to its closing."
            ),
            [
                *_dimension_columns(("month", "office"), family=family),
                Column("closed_count", "integer", _("Closed cases opened in the month.")),
                Column("closed_suppressed", "boolean", _SUPPRESSED),
                Column(
                    "closure_median_working_days",
                    "number",
                    _("Median working days from the opening of the case to its closing."),
                ),
                Column(
                    "closure_p90_working_days",
                    "integer",
                    _("90th percentile of the working days to closing."),
                ),
                Column(
                    "responded_count",
                    "integer",
                    _("Cases opened in the month on which the Ombudsman took a first decision."),
                ),
                Column("responded_suppressed", "boolean", _SUPPRESSED),
                Column(
                    "response_median_working_days",
                    "number",
                    _(
                        "Median working days to the first decision (the formal requirements met "
                        "or not, the reporter asked to complete the report, or the fast track)."
                    ),
                ),
                Column(
                    "response_p90_working_days",
                    "integer",
                    _("90th percentile of the working days to the first decision."),
                ),
            ],
        ),
    ]


def datasets_info() -> list[DatasetInfo]:
    return [
        DatasetInfo(
            CUBE,
            _("Reports by month, institution, category, channel and stage"),
            _("One row per combination that has at least one report."),
            [
                *_dimension_columns(),
                Column("count", "integer", _COUNT),
                Column("suppressed", "boolean", _SUPPRESSED),
            ],
        ),
        DatasetInfo(
            TOTALS_INSTITUTION,
            _("Reports by month and institution"),
            _("The totals of the first dataset for each month and institution."),
            [
                *_dimension_columns(("month", "institution")),
                Column("count", "integer", _COUNT),
                Column("suppressed", "boolean", _SUPPRESSED),
            ],
        ),
        DatasetInfo(
            TOTALS_CATEGORY,
            _("Reports by month and category"),
            _("The totals of the first dataset for each month and category."),
            [
                *_dimension_columns(("month", "category")),
                Column("count", "integer", _COUNT),
                Column("suppressed", "boolean", _SUPPRESSED),
            ],
        ),
        DatasetInfo(
            TIMES,
            _("Response and resolution times by month and institution"),
            _(
                "Working days (the institution's region calendar: weekends and public holidays "
                "excluded) from the start of handling to the first response and to closing."
            ),
            [
                *_dimension_columns(("month", "institution")),
                Column("closed_count", "integer", _("Closed reports opened in the month.")),
                Column("closed_suppressed", "boolean", _SUPPRESSED),
                Column(
                    "resolution_median_working_days",
                    "number",
                    _("Median working days from the start of handling to closing."),
                ),
                Column(
                    "resolution_p90_working_days",
                    "integer",
                    _("90th percentile of the working days to closing."),
                ),
                Column(
                    "responded_count",
                    "integer",
                    _("Reports opened in the month that received a first response."),
                ),
                Column("responded_suppressed", "boolean", _SUPPRESSED),
                Column(
                    "response_median_working_days",
                    "number",
                    _(
                        "Median working days to the first response (verification, rejection, "
                        "a question or message to the reporter, or a transfer)."
                    ),
                ),
                Column(
                    "response_p90_working_days",
                    "integer",
                    _("90th percentile of the working days to the first response."),
                ),
            ],
        ),
        *_ombudsman_info(),
    ]


def dataset_info(slug: str) -> DatasetInfo | None:
    return next((info for info in datasets_info() if info.slug == slug), None)


def dictionary_rows() -> list[dict[str, Any]]:
    """Flat rows (dataset, column, type, description, codes) for the CSV and JSON forms."""
    rows = []
    for info in datasets_info():
        for column in info.columns:
            rows.append(
                {
                    "dataset": info.slug,
                    "column": column.name,
                    "type": column.type,
                    "description": str(column.description),
                    "codes": "; ".join(f"{code}={label}" for code, label in column.codes or []),
                }
            )
    return rows
