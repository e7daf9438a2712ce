"""Reads of the institution directory for the report form and the API's intake: which
institutions take reports, an institution's units as a choice list, the active categories.

The form reads the directory three times per citizen (form, draft, send), the API once per
submission, and it changes a few times a year, so each process keeps one snapshot of it, checked on every use against a
fingerprint of the institution, unit and category tables (row count, newest id and newest
``updated_at`` of each: one small query). Every write to them goes through a service
(``institutions.services``, ``complaints.services.category_create``) whose save sets
``updated_at``: a created, edited, deactivated or deleted row changes the fingerprint, and the
next read in any process builds a new snapshot. Callers get copies of the snapshot's model
instances, so nothing a request does to them reaches another request.
"""

from __future__ import annotations

import copy
import functools
import itertools
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Q

from tuntas.complaints.models import Category
from tuntas.institutions.models import Institution, InstitutionKind, Unit
from tuntas.institutions.selectors import institutions_public, units_in_tree_order

_Model = TypeVar("_Model", Institution, Unit, Category)


@dataclass(frozen=True)
class InstitutionChoice:
    pk: int
    name: str
    slug: str
    kind: str

    @property
    def kind_label(self) -> str:
        return str(InstitutionKind(self.kind).label)


@dataclass(frozen=True)
class ReportDirectory:
    """One snapshot of the institutions that take reports, their active units and the active
    categories. Methods hand out copies of its model instances, the caller's to keep."""

    fingerprint: tuple[Any, ...]
    generation: int  # new for every snapshot this process builds
    institutions: dict[int, Institution]  # in display order (kind, name)
    institution_ids_by_slug: dict[str, int]
    units: dict[int, Unit]
    unit_choices_by_institution: dict[int, tuple[tuple[int, str, int], ...]]
    categories_by_slug: dict[str, Category]  # in display order (position, name)
    category_slugs_by_id: dict[int, str]

    def institution_choices(self) -> list[InstitutionChoice]:
        return [InstitutionChoice(i.pk, i.name, i.slug, i.kind) for i in self.institutions.values()]

    def institution(self, pk: int) -> Institution | None:
        return _copy(self.institutions.get(pk))

    def institution_by_slug(self, slug: str) -> Institution | None:
        pk = self.institution_ids_by_slug.get(slug)
        return self.institution(pk) if pk is not None else None

    def category(self, slug: str) -> Category | None:
        """The active category with this code."""
        return _copy(self.categories_by_slug.get(slug))

    def category_by_pk(self, pk: int) -> Category | None:
        slug = self.category_slugs_by_id.get(pk)
        return self.category(slug) if slug is not None else None

    def category_choices(self, language: str) -> list[tuple[str, str]]:
        """(id, name in ``language``) of the active categories, in display order."""
        return [(str(c.pk), str(c.name_in(language))) for c in self.categories_by_slug.values()]

    def unit(self, pk: int) -> Unit | None:
        return _copy(self.units.get(pk))

    def unit_choices(self, institution_pk: int) -> tuple[tuple[int, str, int], ...]:
        """(id, name, depth) of the institution's active units in tree order."""
        return self.unit_choices_by_institution.get(institution_pk, ())


def _copy(instance: _Model | None) -> _Model | None:
    return copy.copy(instance) if instance is not None else None


_snapshot: ReportDirectory | None = None
_generations = itertools.count(1)


def _reportable() -> Any:
    return institutions_public().exclude(kind__in=InstitutionKind.ombudsman_kinds())


@functools.cache
def _fingerprint_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = [
        # Identifiers from the models' own metadata, quoted; no value comes from outside.
        f"(SELECT {aggregate} FROM {quote(model._meta.db_table)})"  # noqa: S608
        for model in (Institution, Unit, Category)
        for aggregate in ("COUNT(*)", f"MAX({quote(model._meta.pk.column)})", "MAX(updated_at)")
    ]
    return f"SELECT {', '.join(columns)}"


def _fingerprint() -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(connection.vendor))
        return tuple(cursor.fetchone())


def directory_for_reports() -> ReportDirectory:
    global _snapshot
    fingerprint = _fingerprint()
    snapshot = _snapshot
    if snapshot is not None and snapshot.fingerprint == fingerprint:
        return snapshot
    # Two threads that find it stale at once both build it; either result is current.
    institutions = {i.pk: i for i in _reportable().order_by("kind", "name")}
    units = {
        unit.pk: unit
        for unit in Unit.objects.filter(
            institution__in=list(institutions), is_active=True
        ).order_by("name")
    }
    by_institution: dict[int, list[Unit]] = {pk: [] for pk in institutions}
    for unit in units.values():
        by_institution[unit.institution_id].append(unit)
    categories = list(Category.objects.filter(is_active=True))
    snapshot = ReportDirectory(
        fingerprint=fingerprint,
        generation=next(_generations),
        institutions=institutions,
        institution_ids_by_slug={i.slug: pk for pk, i in institutions.items()},
        units=units,
        unit_choices_by_institution={
            pk: tuple((unit.pk, unit.name, depth) for unit, depth in units_in_tree_order(rows))
            for pk, rows in by_institution.items()
        },
        categories_by_slug={c.slug: c for c in categories},
        category_slugs_by_id={c.pk: c.slug for c in categories},
    )
    _snapshot = snapshot
    return snapshot


def directory_forget() -> None:
    """Drop this process's snapshot (tests whose frozen clock and rolled-back ids could
    rebuild the same fingerprint over other rows)."""
    global _snapshot
    _snapshot = None


def institution_choices_for_reports(query: str) -> list[InstitutionChoice]:
    """Institutions that take reports whose name, or the name of one of whose active units,
    matches the search words, in display order."""
    rows = (
        _reportable()
        .filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(units__name__icontains=query, units__is_active=True)
        )
        .distinct()
        .order_by("kind", "name")
        .values_list("pk", "name", "slug", "kind")
    )
    return [InstitutionChoice(*row) for row in rows]
