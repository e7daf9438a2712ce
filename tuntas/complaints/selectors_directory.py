"""Reads of the institution directory for the report form: which institutions take reports,
and an institution's units as a choice list."""

from __future__ import annotations

from django.db.models import Q

from tuntas.institutions.models import Institution, InstitutionKind, Unit
from tuntas.institutions.selectors import institutions_public


def institutions_for_reports(query: str = "") -> list[Institution]:
    """Institutions whose services can be reported: active, not the Ombudsman offices themselves."""
    institutions = institutions_public().exclude(kind__in=InstitutionKind.ombudsman_kinds())
    if query:
        institutions = institutions.filter(
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(units__name__icontains=query, units__is_active=True)
        ).distinct()
    return list(institutions.order_by("kind", "name"))


def institutions_for_reports_by_pk(pk: int) -> Institution | None:
    return (
        institutions_public()
        .exclude(kind__in=InstitutionKind.ombudsman_kinds())
        .filter(pk=pk)
        .first()
    )


def unit_choices_of(institution: Institution) -> list[tuple[int, str, int]]:
    """(id, name, depth) of the institution's active units in tree order, from one light query
    (the choice list needs neither model instances nor the service points)."""
    rows = list(
        Unit.objects.filter(institution=institution, is_active=True)
        .order_by("name")
        .values_list("pk", "name", "parent_id")
    )
    ids = {pk for pk, _name, _parent in rows}
    children: dict[int | None, list[tuple[int, str]]] = {}
    for pk, name, parent_id in rows:
        children.setdefault(parent_id if parent_id in ids else None, []).append((pk, name))
    ordered: list[tuple[int, str, int]] = []
    stack = [(pk, name, 0) for pk, name in reversed(children.get(None, []))]
    while stack:
        pk, name, depth = stack.pop()
        ordered.append((pk, name, depth))
        stack.extend((child, label, depth + 1) for child, label in reversed(children.get(pk, [])))
    return ordered
