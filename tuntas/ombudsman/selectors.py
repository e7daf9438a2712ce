"""Who sees which Ombudsman case (an invisible case is a 404), and who uses its joint room.

Cases: staff of the Ombudsman office holding the case (asisten, kepala perwakilan, auditor),
the central office for every case, platform administrators. The joint case room adds the
partner's liaison: an administrator (admin_instansi) of the reported institution.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from tuntas.accounts.access import JURISDICTION_ROLES, scope_of
from tuntas.accounts.models import Membership, Role
from tuntas.cases.models import AgencyCase
from tuntas.cases.workflow import AgencyState
from tuntas.complaints import codes
from tuntas.institutions.models import Institution, InstitutionKind
from tuntas.ombudsman.models import Letter, OmbudsmanCase
from tuntas.ombudsman.workflow import OPEN_STATES


def _office_ids(actor: Any) -> tuple[bool, set[int]]:
    """(sees every case, ids of the Ombudsman offices whose cases the actor handles)."""
    scope = scope_of(actor)
    if scope.everything:
        return True, set()
    central = False
    offices: set[int] = set()
    for membership in (
        Membership.objects.active()
        .filter(user=actor, role__in=sorted(JURISDICTION_ROLES))
        .select_related("institution")
    ):
        if not membership.institution.is_ombudsman:
            continue
        offices.add(membership.institution_id)
        central = central or membership.institution.kind == InstitutionKind.OMBUDSMAN_CENTRAL
    return central, offices


def ombudsman_cases_visible_to(actor: Any) -> QuerySet[OmbudsmanCase]:
    everything, offices = _office_ids(actor)
    if everything:
        return OmbudsmanCase.objects.all()
    return OmbudsmanCase.objects.filter(office_id__in=offices)


def can_view_ombudsman_case(actor: Any, case: OmbudsmanCase) -> bool:
    everything, offices = _office_ids(actor)
    return everything or case.office_id in offices


def ombudsman_case_get_for_actor(*, actor: Any, number: str) -> OmbudsmanCase:
    try:
        return (
            ombudsman_cases_visible_to(actor)
            .select_related(
                "report", "report__institution", "report__unit", "office", "assigned_to"
            )
            .get(report__public_number=number)
        )
    except OmbudsmanCase.DoesNotExist:
        raise Http404("case") from None


def _liaison_institution_ids(actor: Any) -> set[int]:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return set()
    return set(
        Membership.objects.active()
        .filter(user=actor, role=Role.INSTITUTION_ADMIN)
        .values_list("institution_id", flat=True)
    )


def case_rooms_visible_to(actor: Any) -> QuerySet[OmbudsmanCase]:
    """The cases whose joint room ``actor`` may enter: their office's, or their institution's as liaison."""
    everything, offices = _office_ids(actor)
    if everything:
        return OmbudsmanCase.objects.all()
    return OmbudsmanCase.objects.filter(
        Q(office_id__in=offices) | Q(report__institution_id__in=_liaison_institution_ids(actor))
    )


def can_use_case_room(actor: Any, case: OmbudsmanCase) -> bool:
    everything, offices = _office_ids(actor)
    return (
        everything
        or case.office_id in offices
        or case.report.institution_id in _liaison_institution_ids(actor)
    )


def case_room_get_for_actor(*, actor: Any, number: str) -> OmbudsmanCase:
    try:
        return (
            case_rooms_visible_to(actor)
            .select_related("report", "report__institution", "office")
            .get(report__public_number=number)
        )
    except OmbudsmanCase.DoesNotExist:
        raise Http404("case") from None


def letters_visible_to(actor: Any) -> QuerySet[Letter]:
    return Letter.objects.filter(case__in=ombudsman_cases_visible_to(actor))


def letter_get_for_actor(*, actor: Any, letter_id: int) -> Letter:
    try:
        return letters_visible_to(actor).select_related("case__report").get(pk=letter_id)
    except Letter.DoesNotExist:
        raise Http404("letter") from None


def intake_offices_of(actor: Any) -> list[Institution]:
    """The Ombudsman offices where ``actor`` takes reports in."""
    everything, offices = _office_ids(actor)
    if everything:
        return list(
            Institution.objects.filter(kind__in=InstitutionKind.ombudsman_kinds(), is_active=True)
        )
    return list(Institution.objects.filter(pk__in=offices, is_active=True))


def reportable_institutions_for(actor: Any) -> QuerySet[Institution]:
    """Institutions the actor's offices cover (their supervising office), or all for the centre."""
    everything, offices = _office_ids(actor)
    active = Institution.objects.filter(is_active=True).exclude(
        kind__in=InstitutionKind.ombudsman_kinds()
    )
    central = Institution.objects.filter(
        pk__in=offices, kind=InstitutionKind.OMBUDSMAN_CENTRAL
    ).exists()
    if everything or central:
        return active
    return active.filter(supervising_office_id__in=offices)


def offered_agency_case_for(*, actor: Any, number: str) -> AgencyCase:
    """An agency case offered to the Ombudsman, about an institution the actor's office covers; else 404."""
    try:
        return AgencyCase.objects.select_related("report", "institution").get(
            report__public_number=codes.normalise_public_number(number),
            state=AgencyState.OFFERED_TO_OMBUDSMAN,
            institution__in=reportable_institutions_for(actor),
        )
    except AgencyCase.DoesNotExist:
        raise Http404("offered case") from None


def liaison_institutions_of(actor: Any) -> list[Institution]:
    """The partner institutions whose coordination board ``actor`` (their admin_instansi) keeps."""
    return list(Institution.objects.filter(pk__in=_liaison_institution_ids(actor)).order_by("name"))


def partner_open_cases(*, actor: Any, institution: Institution) -> QuerySet[OmbudsmanCase]:
    """The open Ombudsman cases about ``institution``, for its liaison; 404 for anyone else."""
    if institution.pk not in _liaison_institution_ids(actor):
        raise Http404("board")
    return (
        OmbudsmanCase.objects.filter(report__institution=institution, state__in=sorted(OPEN_STATES))
        .select_related("report", "report__unit", "office")
        .prefetch_related("unit_pushes")
    )


def ombudsman_cases_filtered(
    cases: QuerySet[OmbudsmanCase],
    *,
    today: datetime.date,
    state: str = "",
    track: str = "",
    deadline: str = "",
    assigned_to_id: int | None = None,
) -> QuerySet[OmbudsmanCase]:
    """The Ombudsman list's narrowing (shared by the list and its export): one stage, or the
    open ones when empty; a track; ``deadline`` overdue or week; one assistant's cases."""
    cases = cases.filter(state=state) if state else cases.filter(state__in=sorted(OPEN_STATES))
    if track:
        cases = cases.filter(track=track)
    if deadline == "overdue":
        cases = cases.filter(due_on__lt=today)
    elif deadline == "week":
        cases = cases.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=7))
    if assigned_to_id is not None:
        cases = cases.filter(assigned_to_id=assigned_to_id)
    return cases
