"""Who may take which step on an agency case (reads go through cases_visible_to → 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from tuntas.accounts.access import scope_of
from tuntas.accounts.models import Membership, Role
from tuntas.cases.models import AgencyCase

OFFICER_STEPS = frozenset(
    {
        "verify",
        "reject",
        "request_information",
        "disposition",
        "draft_response",
        "submit_for_approval",
        "resolve",
        "note",
        "message",
        "assign",
    }
)
HEAD_STEPS = OFFICER_STEPS | {
    "approve",
    "return_for_revision",
    "escalate",
    "transfer",
    "offer_to_ombudsman",
}
ADMIN_STEPS = OFFICER_STEPS | {"transfer"}


def cases_visible_to(actor: Any) -> QuerySet[AgencyCase]:
    scope = scope_of(actor)
    if scope.everything:
        return AgencyCase.objects.all()
    return AgencyCase.objects.filter(
        Q(institution_id__in=scope.institution_ids) | Q(unit_id__in=scope.unit_ids)
    )


def case_get_for_actor(*, actor: Any, number: str) -> AgencyCase:
    try:
        return (
            cases_visible_to(actor)
            .select_related("report", "institution", "unit", "assigned_to")
            .get(report__public_number=number)
        )
    except AgencyCase.DoesNotExist:
        raise Http404("case") from None


def steps_allowed_to(actor: Any, case: AgencyCase) -> frozenset[str]:
    """The kinds of step ``actor`` may take on ``case`` (the workflow still decides which fit its state)."""
    if getattr(actor, "is_superuser", False):
        return HEAD_STEPS
    allowed: set[str] = set()
    for membership in Membership.objects.active().filter(
        user=actor, institution_id=case.institution_id
    ):
        if membership.role == Role.HEAD:
            allowed |= HEAD_STEPS
        elif membership.role == Role.INSTITUTION_ADMIN:
            allowed |= ADMIN_STEPS
        elif membership.role == Role.OFFICER and case.unit_id in scope_of(actor).unit_ids:
            allowed |= OFFICER_STEPS
    return frozenset(allowed)


def is_head_of(actor: Any, case: AgencyCase) -> bool:
    return "approve" in steps_allowed_to(actor, case)
