"""Pemeriksaan: clarification requests to the reported party, the summons log, konsiliasi/mediasi."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.institutions.models import Institution
from tuntas.ombudsman import clock
from tuntas.ombudsman.models import (
    ClarificationRequest,
    MediationSession,
    OmbudsmanCase,
    SummonsEntry,
)
from tuntas.ombudsman.models_exam import ClarificationKind, MediationKind, MediationOutcome
from tuntas.ombudsman.services import bump
from tuntas.ombudsman.workflow import OmbudsmanState, Track

S = OmbudsmanState


def _examining(case: OmbudsmanCase) -> None:
    if case.state != S.EXAMINATION:
        raise ValidationError(_("This is done during the examination."))


def clarification_stage(case: OmbudsmanCase) -> str:
    return (
        "ombudsman.rco.clarification_answer"
        if case.track == Track.RCO
        else "ombudsman.clarification_answer"
    )


@transaction.atomic
def ombudsman_clarification_request(
    *,
    case: OmbudsmanCase,
    actor: Any,
    expected_version: int,
    kind: str,
    questions: str,
    addressed_to: Institution | None = None,
) -> ClarificationRequest:
    """Written, direct or on-site clarification; the answer's deadline comes from the engine."""
    _examining(case)
    errors: dict[str, str] = {}
    if kind not in ClarificationKind.values:
        errors["kind"] = _("Choose written, direct or on-site clarification.")
    if not questions.strip():
        errors["questions"] = _("Write what the reported party must explain.")
    if errors:
        raise ValidationError(errors)
    addressed_to = addressed_to or case.report.institution
    case = bump(
        case=case,
        actor=actor,
        expected_version=expected_version,
        action="clarification_requested",
        data={"kind": kind, "addressed_to_id": addressed_to.pk},
    )
    today = timezone.localdate()
    return ClarificationRequest.objects.create(
        case=case,
        kind=kind,
        addressed_to=addressed_to,
        questions=questions.strip(),
        sent_on=today,
        due_on=clock.deadline(case, stage=clarification_stage(case), start=today),
        sent_by=actor,
    )


@transaction.atomic
def ombudsman_clarification_answer(
    *,
    clarification: ClarificationRequest,
    actor: Any,
    answer: str,
    answered_on: datetime.date | None = None,
) -> ClarificationRequest:
    if not answer.strip():
        raise ValidationError({"answer": _("Write the reported party's answer.")})
    fresh = ClarificationRequest.objects.select_for_update().get(pk=clarification.pk)
    if fresh.answered_on is not None:
        raise ValidationError(_("This clarification was already answered."))
    answered_on = answered_on or timezone.localdate()
    if answered_on > timezone.localdate() or answered_on < fresh.sent_on:
        raise ValidationError({"answered_on": _("The date must be between the request and today.")})
    fresh.answer = answer.strip()
    fresh.answered_on = answered_on
    fresh.save(update_fields=["answer", "answered_on"])
    bump(
        case=fresh.case,
        actor=actor,
        expected_version=None,
        action="clarification_answered",
        data={"clarification_id": fresh.pk, "late": answered_on > fresh.due_on},
    )
    clarification.__dict__.update(fresh.__dict__)
    return clarification


@transaction.atomic
def ombudsman_summons_record(
    *,
    case: OmbudsmanCase,
    actor: Any,
    expected_version: int,
    person: str,
    scheduled_at: datetime.datetime,
    place: str,
    capacity: str = "",
) -> SummonsEntry:
    _examining(case)
    if not person.strip() or not place.strip():
        raise ValidationError({"person": _("Name the person summoned and the place.")})
    case = bump(
        case=case,
        actor=actor,
        expected_version=expected_version,
        action="summons_recorded",
        data={},
    )
    last = case.summonses.aggregate(last=Max("sequence"))["last"] or 0
    return SummonsEntry.objects.create(
        case=case,
        sequence=last + 1,
        person=person.strip(),
        capacity=capacity.strip(),
        scheduled_at=scheduled_at,
        place=place.strip(),
        recorded_by=actor,
    )


@transaction.atomic
def ombudsman_summons_attendance(
    *, summons: SummonsEntry, actor: Any, attended: bool, note: str = ""
) -> SummonsEntry:
    fresh = SummonsEntry.objects.select_for_update().get(pk=summons.pk)
    fresh.attended = attended
    fresh.note = note.strip()
    fresh.save(update_fields=["attended", "note"])
    absences = fresh.case.summonses.filter(attended=False).count()
    bump(
        case=fresh.case,
        actor=actor,
        expected_version=None,
        action="summons_attendance",
        data={"summons_id": fresh.pk, "attended": attended, "absences": absences},
    )
    summons.__dict__.update(fresh.__dict__)
    return summons


@transaction.atomic
def ombudsman_mediation_record(
    *,
    case: OmbudsmanCase,
    actor: Any,
    expected_version: int,
    kind: str,
    held_on: datetime.date,
    parties: str,
    outcome: str,
    agreement: str = "",
) -> MediationSession:
    _examining(case)
    errors: dict[str, str] = {}
    if kind not in MediationKind.values:
        errors["kind"] = _("Choose conciliation or mediation.")
    if outcome not in MediationOutcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if outcome == MediationOutcome.AGREEMENT and not agreement.strip():
        errors["agreement"] = _("Write down what the parties agreed.")
    if not parties.strip():
        errors["parties"] = _("Name the parties present.")
    if held_on > timezone.localdate():
        errors["held_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    case = bump(
        case=case,
        actor=actor,
        expected_version=expected_version,
        action="mediation_recorded",
        data={"kind": kind, "outcome": outcome},
    )
    return MediationSession.objects.create(
        case=case,
        kind=kind,
        held_on=held_on,
        parties=parties.strip(),
        outcome=outcome,
        agreement=agreement.strip(),
        recorded_by=actor,
    )
