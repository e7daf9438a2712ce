"""Reads of reports: by the reporter (number + access code) and by staff (scoped)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tuntas.accounts.access import scope_of
from tuntas.accounts.models import Membership, Role
from tuntas.audit import registry
from tuntas.audit.models import AuditEvent
from tuntas.complaints import codes
from tuntas.complaints.identity import CONFIDENTIAL_LABEL, Identity, unseal
from tuntas.complaints.models import Category, IdentityMode, Report

# A fixed hash compared when the number is unknown, so both failures cost the same time.
_DUMMY_HASH = codes.hash_access_code("0" * codes.ACCESS_CODE_CHARS)


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def report_get_for_tracking(*, number: str, access_code: str) -> Report | None:
    """The report when number and code match; None otherwise, whichever of the two is wrong."""
    normalised = codes.normalise_public_number(number)
    report = (
        Report.objects.select_related("institution", "unit", "category")
        .filter(public_number=normalised)
        .first()
        if codes.PUBLIC_NUMBER_PATTERN.match(normalised)
        else None
    )
    stored = report.access_code_hash if report is not None else _DUMMY_HASH
    matches = codes.access_code_matches(access_code, stored)
    return report if report is not None and matches else None


def reports_visible_to(actor: Any) -> QuerySet[Report]:
    """Staff see the reports of the institutions and units in their scope (accounts.access)."""
    scope = scope_of(actor)
    if scope.everything:
        return Report.objects.all()
    return Report.objects.filter(
        Q(institution_id__in=scope.institution_ids) | Q(unit_id__in=scope.unit_ids)
    )


def can_view_report(actor: Any, report: Report) -> bool:
    scope = scope_of(actor)
    return (
        scope.everything
        or report.institution_id in scope.institution_ids
        or report.unit_id in scope.unit_ids
    )


def can_see_confidential_identity(actor: Any, report: Report) -> bool:
    """Rahasia: only the receiving institution's privacy officer and the Ombudsman (with the report in scope)."""
    if not can_view_report(actor, report):
        return False
    memberships = Membership.objects.active().filter(user=actor).select_related("institution")
    for membership in memberships:
        if membership.institution.is_ombudsman and membership.role in Role.ombudsman_roles():
            return True
        if (
            membership.role == Role.PRIVACY_OFFICER
            and membership.institution_id == report.institution_id
        ):
            return True
    return bool(getattr(actor, "is_superuser", False))


def report_identity_for(*, actor: Any, report: Report) -> Identity | str | None:
    """What ``actor`` may read of the reporter: the identity, the withheld label, or None (anonymous)."""
    if report.identity_mode == IdentityMode.ANONYMOUS:
        return None
    identity_row = getattr(report, "identity", None)
    if identity_row is None:
        return None
    if report.identity_mode == IdentityMode.CONFIDENTIAL and not can_see_confidential_identity(
        actor, report
    ):
        return str(CONFIDENTIAL_LABEL)
    if not can_view_report(actor, report):
        return str(CONFIDENTIAL_LABEL)
    return unseal(identity_row.sealed)


def report_public_timeline(*, report: Report) -> list[tuple[AuditEvent, str]]:
    public = {action.name: action.label for action in registry.all_actions() if action.public}
    events = AuditEvent.objects.filter(
        object_type="complaints.report", object_id=str(report.pk), action__in=list(public)
    ).order_by("sequence")
    return [(event, str(public[event.action])) for event in events]
