"""The dimensions of the open statistics: each is a path on the agency case and a coder.

Adding a dimension is one function returning a ``Dimension``, added to ``dimensions()`` (the
agency cube, sources on ``AgencyCase``) or ``ombudsman_dimensions()`` (the Ombudsman cube,
sources on ``OmbudsmanCase``; the LAHP's columns are read by ``opendata/ombudsman.py``, because
the maladministration types are a many-to-many and a case counts once per type).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Expression
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuntas.cases.workflow import AgencyState
from tuntas.complaints.models import Channel


@dataclass(frozen=True)
class Dimension:
    name: str  # column name in the files
    description: str | Promise
    source: str | Expression  # a values() path or an expression on AgencyCase
    code: Callable[[Any], str]
    codes: Callable[[], list[tuple[str, str]]] | None = None  # allowed values and labels


def _month(value: Any) -> str:
    return value.strftime("%Y-%m") if value is not None else ""


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def month() -> Dimension:
    return Dimension(
        "month",
        _("Month in which handling started (YYYY-MM, local time of the installation)."),
        TruncMonth("opened_at"),
        _month,
    )


def institution() -> Dimension:
    return Dimension(
        "institution",
        _("Code (slug) of the institution handling the report; see the public directory."),
        "institution__slug",
        _plain,
    )


def category() -> Dimension:
    return Dimension(
        "category",
        _("Code of the service area the report is about."),
        "report__category__slug",
        _plain,
        _category_codes,
    )


def channel() -> Dimension:
    return Dimension(
        "channel",
        _("How the report arrived."),
        "report__channel",
        _plain,
        lambda: [(value, str(label)) for value, label in Channel.choices],
    )


def stage() -> Dimension:
    return Dimension(
        "stage",
        _("Where the report stands in the institution's handling (its current state)."),
        "state",
        _plain,
        lambda: [(value, str(label)) for value, label in AgencyState.choices],
    )


def _category_codes() -> list[tuple[str, str]]:
    from tuntas.complaints.models import Category

    return [(c.slug, c.name_en) for c in Category.objects.order_by("position", "slug")]


def _ombudsman_month() -> Dimension:
    return Dimension(
        "month",
        _("Month in which the Ombudsman opened the case (YYYY-MM, local time)."),
        TruncMonth("opened_at"),
        _month,
    )


def ombudsman_office() -> Dimension:
    return Dimension(
        "office",
        _(
            "Code (slug) of the Ombudsman office holding the case (the central office or a "
            "representative office)."
        ),
        "office__slug",
        _plain,
    )


def reported_institution() -> Dimension:
    return Dimension(
        "institution",
        _("Code (slug) of the institution the report is about; see the public directory."),
        "report__institution__slug",
        _plain,
    )


def maladministration_type() -> Dimension:
    return Dimension(
        "maladministration_type",
        _(
            "Form of maladministration named in the issued final report (LAHP). A case with "
            "several types counts once in each; empty when no final report has been issued or "
            "it names none."
        ),
        "lahps__maladministration_types__code",
        _plain,
        _reference_codes("MaladministrationType"),
    )


def substance() -> Dimension:
    return Dimension(
        "substance",
        _("Substance category of the issued final report (LAHP); empty before it is issued."),
        "lahps__substance__code",
        _plain,
        _reference_codes("SubstanceCategory"),
    )


def conclusion() -> Dimension:
    return Dimension(
        "conclusion",
        _("Conclusion of the issued final report (LAHP); empty before it is issued."),
        "lahps__conclusion",
        _plain,
        _conclusion_codes,
    )


def _reference_codes(model_name: str) -> Callable[[], list[tuple[str, str]]]:
    def codes() -> list[tuple[str, str]]:
        from tuntas.ombudsman import models

        model = getattr(models, model_name)
        return list(model.objects.order_by("position", "code").values_list("code", "name_en"))

    return codes


def _conclusion_codes() -> list[tuple[str, str]]:
    from tuntas.ombudsman.models_outcome import Conclusion

    return [(value, str(label)) for value, label in Conclusion.choices]


def ombudsman_dimensions() -> list[Dimension]:
    """The Ombudsman cube's dimensions, in column order (month and office first: totals use them)."""
    return [
        _ombudsman_month(),
        ombudsman_office(),
        reported_institution(),
        maladministration_type(),
        substance(),
        conclusion(),
    ]


def dimensions() -> list[Dimension]:
    """The cube's dimensions, in column order (month and institution first: totals use them)."""
    return [month(), institution(), category(), channel(), stage()]
