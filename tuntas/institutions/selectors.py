"""Public reads of the institution directory. Staff-scoped reads live in accounts.access."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from tuntas.institutions.models import (
    Institution,
    InstitutionKind,
    Partnership,
    PartnershipParty,
    ServicePoint,
    Unit,
)


def institutions_public() -> QuerySet[Institution]:
    return Institution.objects.filter(is_active=True)


def institutions_directory(*, query: str = "", kind: str = "") -> QuerySet[Institution]:
    institutions = institutions_public().select_related("supervising_office")
    if query:
        institutions = institutions.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(units__name__icontains=query, units__is_active=True)
        ).distinct()
    if kind:
        institutions = institutions.filter(kind=kind)
    return institutions.order_by("kind", "name")


def institutions_partners() -> QuerySet[Institution]:
    """Institutions that are party to a partnership with the Ombudsman, Ombudsman excluded."""
    return (
        institutions_public()
        .exclude(kind__in=InstitutionKind.ombudsman_kinds())
        .filter(partnerships__isnull=False)
        .distinct()
        .order_by("kind", "name")
    )


def institution_get_public(*, slug: str) -> Institution:
    try:
        return institutions_public().select_related("parent", "supervising_office").get(slug=slug)
    except Institution.DoesNotExist:
        raise Http404("institution") from None


def units_in_tree_order(units: Iterable[Unit]) -> list[tuple[Unit, int]]:
    """Units, given in display order, as a tree walk: each followed by its children, with its
    depth. A unit whose parent is not among them is shown at the top."""
    units = list(units)
    ids = {unit.pk for unit in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
    ordered: list[tuple[Unit, int]] = []
    stack = [(unit, 0) for unit in reversed(children.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        ordered.append((unit, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(unit.pk, [])))
    return ordered


def institution_units_tree(*, institution: Institution) -> list[tuple[Unit, int]]:
    """Active units in display order with their depth, service points prefetched (2 queries)."""
    return units_in_tree_order(
        Unit.objects.filter(institution=institution, is_active=True)
        .prefetch_related(
            Prefetch("service_points", queryset=ServicePoint.objects.filter(is_active=True))
        )
        .order_by("name")
    )


def institution_partnerships(*, institution: Institution) -> QuerySet[Partnership]:
    return (
        Partnership.objects.filter(parties__institution=institution)
        .prefetch_related(
            "scope_items",
            Prefetch("parties", queryset=PartnershipParty.objects.select_related("institution")),
        )
        .order_by("-signed_on")
    )


def partnership_status(*, partnership: Partnership, today: datetime.date) -> str:
    if today < partnership.valid_from:
        return "upcoming"
    if partnership.valid_until is not None and today > partnership.valid_until:
        return "expired"
    return "in_force"
