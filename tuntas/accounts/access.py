"""Row-level access: who may see and manage which institutions, units and people.

Every staff read of institution data goes through one of these functions. Each yes/no
predicate has a queryset twin with the same rule, and the ``*_get_for_actor`` functions raise
Http404 for anything out of reach, so that a page never reveals that an object exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from tuntas.accounts.models import Membership, Role, User
from tuntas.audit.models import AuditEvent
from tuntas.institutions.models import Institution, InstitutionKind, Unit

# Roles held at an Ombudsman office that look across its whole jurisdiction.
JURISDICTION_ROLES = frozenset(
    {Role.OMBUDSMAN_ASSISTANT, Role.REPRESENTATIVE_HEAD, Role.AUDITOR, Role.HEAD}
)
# Roles that read the audit trail of the institutions in their scope.
AUDIT_READER_ROLES = frozenset(
    {Role.AUDITOR, Role.INSTITUTION_ADMIN, Role.HEAD, Role.REPRESENTATIVE_HEAD}
)


@dataclass(frozen=True)
class Scope:
    """What one actor reaches. ``everything`` is the platform administrator."""

    everything: bool
    institution_ids: frozenset[int]  # institutions seen as a whole (all their units)
    unit_ids: frozenset[int]  # further single units (and their sub-units), for officers
    managed_institution_ids: frozenset[int]
    audit_institution_ids: frozenset[int]

    @property
    def visible_institution_ids(self) -> frozenset[int]:
        unit_institutions = frozenset(
            Unit.objects.filter(pk__in=self.unit_ids).values_list("institution_id", flat=True)
        )
        return self.institution_ids | unit_institutions


NOTHING = Scope(False, frozenset(), frozenset(), frozenset(), frozenset())


def _unit_subtree(unit_ids: set[int]) -> set[int]:
    found = set(unit_ids)
    frontier = set(unit_ids)
    while frontier:
        frontier = (
            set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def _jurisdiction(office: Institution) -> set[int]:
    if office.kind == InstitutionKind.OMBUDSMAN_CENTRAL:
        return set(Institution.objects.values_list("pk", flat=True))
    covered = set(
        Institution.objects.filter(supervising_office=office).values_list("pk", flat=True)
    )
    return covered | {office.pk}


def scope_of(actor: Any) -> Scope:
    """The actor's scope, computed once per user object (a request's user lives one request)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return NOTHING
    cached = getattr(actor, "_tuntas_scope", None)
    if cached is not None:
        return cached
    if actor.is_superuser:
        scope = Scope(True, frozenset(), frozenset(), frozenset(), frozenset())
    else:
        institutions: set[int] = set()
        units: set[int] = set()
        managed: set[int] = set()
        audit: set[int] = set()
        memberships = Membership.objects.active().filter(user=actor).select_related("institution")
        for membership in memberships:
            office = membership.institution
            if membership.role in Role.unit_roles():
                units.add(membership.unit_id)  # type: ignore[arg-type]
                continue
            if office.is_ombudsman and membership.role in JURISDICTION_ROLES:
                reach = _jurisdiction(office)
            else:
                reach = {office.pk}
            institutions |= reach
            if membership.role == Role.INSTITUTION_ADMIN:
                managed.add(office.pk)
            if membership.role in AUDIT_READER_ROLES:
                audit |= reach
        unit_reach = _unit_subtree(units) if units else set()
        scope = Scope(
            False,
            frozenset(institutions),
            frozenset(unit_reach),
            frozenset(managed),
            frozenset(audit),
        )
    actor._tuntas_scope = scope
    return scope


# --- Institutions -------------------------------------------------------------------------


def institutions_visible_to(actor: Any) -> QuerySet[Institution]:
    scope = scope_of(actor)
    if scope.everything:
        return Institution.objects.all()
    return Institution.objects.filter(pk__in=scope.visible_institution_ids)


def can_view_institution(actor: Any, institution: Institution) -> bool:
    scope = scope_of(actor)
    return scope.everything or institution.pk in scope.visible_institution_ids


def institution_get_for_actor(*, actor: Any, slug: str) -> Institution:
    try:
        return institutions_visible_to(actor).get(slug=slug)
    except Institution.DoesNotExist:
        raise Http404("institution") from None


def institutions_managed_by(actor: Any) -> QuerySet[Institution]:
    scope = scope_of(actor)
    if scope.everything:
        return Institution.objects.all()
    return Institution.objects.filter(pk__in=scope.managed_institution_ids)


def can_manage_institution(actor: Any, institution: Institution) -> bool:
    scope = scope_of(actor)
    return scope.everything or institution.pk in scope.managed_institution_ids


# --- Units --------------------------------------------------------------------------------


def units_visible_to(actor: Any) -> QuerySet[Unit]:
    scope = scope_of(actor)
    if scope.everything:
        return Unit.objects.all()
    return Unit.objects.filter(
        Q(institution_id__in=scope.institution_ids) | Q(pk__in=scope.unit_ids)
    )


def can_view_unit(actor: Any, unit: Unit) -> bool:
    scope = scope_of(actor)
    return (
        scope.everything
        or unit.institution_id in scope.institution_ids
        or unit.pk in scope.unit_ids
    )


def unit_get_for_actor(*, actor: Any, unit_id: int) -> Unit:
    try:
        return units_visible_to(actor).select_related("institution", "parent").get(pk=unit_id)
    except Unit.DoesNotExist:
        raise Http404("unit") from None


def units_managed_by(actor: Any) -> QuerySet[Unit]:
    scope = scope_of(actor)
    if scope.everything:
        return Unit.objects.all()
    return Unit.objects.filter(institution_id__in=scope.managed_institution_ids)


def can_manage_unit(actor: Any, unit: Unit) -> bool:
    scope = scope_of(actor)
    return scope.everything or unit.institution_id in scope.managed_institution_ids


def unit_get_managed_by(*, actor: Any, unit_id: int) -> Unit:
    try:
        return units_managed_by(actor).select_related("institution").get(pk=unit_id)
    except Unit.DoesNotExist:
        raise Http404("unit") from None


# --- People -------------------------------------------------------------------------------


def memberships_visible_to(actor: Any) -> QuerySet[Membership]:
    scope = scope_of(actor)
    memberships = Membership.objects.active().select_related("user", "institution", "unit")
    if scope.everything:
        return memberships
    return memberships.filter(
        Q(institution_id__in=scope.institution_ids) | Q(unit_id__in=scope.unit_ids)
    )


def can_view_membership(actor: Any, membership: Membership) -> bool:
    scope = scope_of(actor)
    if membership.revoked_at is not None or not membership.user.is_active:
        return False
    return (
        scope.everything
        or membership.institution_id in scope.institution_ids
        or membership.unit_id in scope.unit_ids
    )


def member_get_for_actor(*, actor: Any, user_id: int) -> User:
    """A colleague's profile: visible when one of their roles is within the actor's scope."""
    visible = memberships_visible_to(actor).filter(user_id=user_id)
    if not visible.exists():
        raise Http404("user")
    return User.objects.get(pk=user_id)


# --- Audit trail --------------------------------------------------------------------------


def audit_events_visible_to(actor: Any) -> QuerySet[AuditEvent]:
    scope = scope_of(actor)
    if scope.everything:
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(institution_id__in=scope.audit_institution_ids)


def can_view_audit_event(actor: Any, event: AuditEvent) -> bool:
    scope = scope_of(actor)
    return scope.everything or event.institution_id in scope.audit_institution_ids


def can_read_audit_trail(actor: Any) -> bool:
    scope = scope_of(actor)
    return scope.everything or bool(scope.audit_institution_ids)
