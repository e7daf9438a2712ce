"""Verifikasi formil and materiil, the completeness request, the plenary, the RCO fast track."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.ombudsman import clock
from tuntas.ombudsman.models import (
    ClosureReason,
    CompletenessRequest,
    FormalCheck,
    MaterialCheck,
    OmbudsmanCase,
    PlenaryDecision,
    RcoCriterion,
)
from tuntas.ombudsman.models_exam import PlenaryOutcome, PowerOfAttorney
from tuntas.ombudsman.notify import in_reporter_language, number_of, reporter_notify
from tuntas.ombudsman.services import closure_notice, ensure_allowed, locked, record, step
from tuntas.ombudsman.workflow import OmbudsmanState, Track

S = OmbudsmanState
COMPLETENESS_STAGE = "ombudsman.completeness"


@transaction.atomic
def ombudsman_formal_check_record(
    *,
    case: OmbudsmanCase,
    actor: Any,
    identity_confirmed: bool,
    chronology_clear: bool,
    prior_complaint: bool,
    within_two_years: bool,
    power_of_attorney: str = PowerOfAttorney.NOT_NEEDED,
    note: str = "",
) -> FormalCheck:
    """The checklist of UU 37/2008 Pasal 24 and PO 48/2020 Pasal 4, as the assistant found it."""
    fresh = locked(case, None)
    if fresh.state not in (S.RECEIVED, S.COMPLETENESS_REQUESTED):
        raise ValidationError(
            _("The formal requirements are checked before material verification.")
        )
    if power_of_attorney not in PowerOfAttorney.values:
        raise ValidationError(
            {"power_of_attorney": _("Choose whether a power of attorney is needed.")}
        )
    check = FormalCheck.objects.create(
        case=fresh,
        identity_confirmed=identity_confirmed,
        chronology_clear=chronology_clear,
        prior_complaint=prior_complaint,
        within_two_years=within_two_years,
        power_of_attorney=power_of_attorney,
        note=note.strip(),
        checked_by=actor,
        checked_at=timezone.now(),
    )
    record(case=fresh, action="formal_checked", actor=actor, data={"missing": check.missing})
    return check


def latest_formal_check(case: OmbudsmanCase) -> FormalCheck | None:
    return case.formal_checks.order_by("-checked_at", "-id").first()


def latest_material_check(case: OmbudsmanCase) -> MaterialCheck | None:
    return case.material_checks.order_by("-checked_at", "-id").first()


@transaction.atomic
def ombudsman_formal_verify(
    *, case: OmbudsmanCase, actor: Any, expected_version: int
) -> OmbudsmanCase:
    ensure_allowed(case, "formal_verify")
    check = latest_formal_check(case)
    if check is None or not check.passed:
        raise ValidationError(
            _(
                "Record a formal check that meets every requirement first, or ask for the missing documents."
            )
        )
    return step(
        case=case,
        name="formal_verify",
        actor=actor,
        expected_version=expected_version,
        data={"formal_check_id": check.pk},
    )


@transaction.atomic
def ombudsman_request_completeness(
    *, case: OmbudsmanCase, actor: Any, expected_version: int, missing_items: str
) -> CompletenessRequest:
    """Permintaan kelengkapan data: the clock pauses; the reporter has the completeness deadline."""
    if not missing_items.strip():
        raise ValidationError({"missing_items": _("Write what the reporter must add.")})
    case = step(
        case=case,
        name="request_completeness",
        actor=actor,
        expected_version=expected_version,
        keep_clock=True,
        data={"missing_items": missing_items.strip()},
    )
    today = timezone.localdate()
    clock.pause(case, today=today)
    case.save(update_fields=["paused_on", "remaining_when_paused", "due_on"])
    request = CompletenessRequest.objects.create(
        case=case,
        missing_items=missing_items.strip(),
        requested_on=today,
        due_on=clock.deadline(case, stage=COMPLETENESS_STAGE, start=today),
        requested_by=actor,
    )
    with in_reporter_language(case):
        reporter_notify(
            case=case,
            subject=_("Please complete your report %(number)s") % {"number": number_of(case)},
            body=_(
                "The Ombudsman needs more from you to examine report %(number)s:\n%(items)s\n"
                "Please send it by %(date)s. If it does not arrive by then, the report is closed.\nTuntas"
            )
            % {"number": number_of(case), "items": request.missing_items, "date": request.due_on},
        )
    return request


def _open_completeness(case: OmbudsmanCase) -> CompletenessRequest:
    request = (
        CompletenessRequest.objects.select_for_update()
        .filter(case=case, answered_on__isnull=True, lapsed_on__isnull=True)
        .first()
    )
    if request is None:
        raise ValidationError(_("There is no open request to complete the report."))
    return request


@transaction.atomic
def ombudsman_completeness_received(
    *, case: OmbudsmanCase, answer: str, actor: Any = None
) -> OmbudsmanCase:
    """The reporter sent what was missing: the formal verification clock resumes."""
    if not answer.strip():
        raise ValidationError({"answer": _("Write what the reporter sent.")})
    ensure_allowed(case, "completeness_received")
    request = _open_completeness(case)
    case = step(
        case=case, name="completeness_received", actor=actor, expected_version=None, keep_clock=True
    )
    today = timezone.localdate()
    request.answered_on = today
    request.answer = answer.strip()
    request.save(update_fields=["answered_on", "answer"])
    clock.resume(case, today=today)
    case.save(
        update_fields=[
            "pauses",
            "due_on",
            "paused_on",
            "remaining_when_paused",
            "calendar_version",
            "escalated_for",
        ]
    )
    return case


@transaction.atomic
def ombudsman_completeness_lapse(
    *, case: OmbudsmanCase, actor: Any = None, today: datetime.date | None = None
) -> OmbudsmanCase:
    """The deadline passed without the documents: closed at PVL, and the reporter is told (§1.4)."""
    request = _open_completeness(case)
    today = today or timezone.localdate()
    if request.due_on >= today:
        raise ValidationError(
            _("The reporter still has time until %(date)s.") % {"date": request.due_on}
        )
    request.lapsed_on = today
    request.save(update_fields=["lapsed_on"])
    case = step(
        case=case,
        name="completeness_lapse",
        actor=actor,
        expected_version=None,
        closure_reason=ClosureReason.COMPLETENESS_LAPSED,
        data={"completeness_request_id": request.pk, "due_on": request.due_on},
    )
    closure_notice(case)
    return case


@transaction.atomic
def ombudsman_close_formal(
    *, case: OmbudsmanCase, actor: Any, expected_version: int, reason: str
) -> OmbudsmanCase:
    """Closed as not meeting the formal requirements (e.g. the event is more than 2 years old)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the reporter why the report cannot be taken up.")})
    case = step(
        case=case,
        name="close_formal",
        actor=actor,
        expected_version=expected_version,
        closure_reason=ClosureReason.FORMAL_NOT_MET,
        closure_note=reason.strip(),
        data={"reason": reason.strip()},
    )
    closure_notice(case)
    return case


@transaction.atomic
def ombudsman_material_check_record(
    *,
    case: OmbudsmanCase,
    actor: Any,
    within_authority: bool,
    not_before_court: bool,
    not_already_reported: bool,
    not_resolved: bool,
    agency_time_passed: bool,
    note: str = "",
) -> MaterialCheck:
    fresh = locked(case, None)
    if fresh.state != S.MATERIAL_VERIFICATION:
        raise ValidationError(_("The material check belongs to material verification."))
    check = MaterialCheck.objects.create(
        case=fresh,
        within_authority=within_authority,
        not_before_court=not_before_court,
        not_already_reported=not_already_reported,
        not_resolved=not_resolved,
        agency_time_passed=agency_time_passed,
        note=note.strip(),
        checked_by=actor,
        checked_at=timezone.now(),
    )
    record(case=fresh, action="material_checked", actor=actor, data={"missing": check.missing})
    return check


@transaction.atomic
def ombudsman_material_verify(
    *, case: OmbudsmanCase, actor: Any, expected_version: int
) -> OmbudsmanCase:
    ensure_allowed(case, "material_verify")
    check = latest_material_check(case)
    if check is None or not check.passed:
        raise ValidationError(_("Record a material check that meets every condition first."))
    return step(
        case=case,
        name="material_verify",
        actor=actor,
        expected_version=expected_version,
        data={"material_check_id": check.pk},
    )


@transaction.atomic
def ombudsman_material_reject(
    *, case: OmbudsmanCase, actor: Any, expected_version: int, reason: str
) -> OmbudsmanCase:
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Tell the reporter why the Ombudsman cannot examine it.")}
        )
    case = step(
        case=case,
        name="material_reject",
        actor=actor,
        expected_version=expected_version,
        closure_reason=ClosureReason.MATERIAL_NOT_MET,
        closure_note=reason.strip(),
        data={"reason": reason.strip()},
    )
    closure_notice(case)
    return case


@transaction.atomic
def ombudsman_plenary_decide(
    *,
    case: OmbudsmanCase,
    actor: Any,
    expected_version: int,
    outcome: str,
    held_on: datetime.date,
    minutes: str,
    attendees: str = "",
) -> OmbudsmanCase:
    """Rapat pleno / rapat perwakilan: examine (to the examination group) or decline, with minutes."""
    errors: dict[str, str] = {}
    if outcome not in PlenaryOutcome.values:
        errors["outcome"] = _("Choose the decision.")
    if not minutes.strip():
        errors["minutes"] = _("Attach the minutes of the meeting.")
    if held_on > timezone.localdate():
        errors["held_on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    examine = outcome == PlenaryOutcome.EXAMINE
    case = step(
        case=case,
        name="plenary_examine" if examine else "plenary_reject",
        actor=actor,
        expected_version=expected_version,
        closure_reason="" if examine else ClosureReason.PLENARY_DECLINED,
        closure_note="" if examine else minutes.strip(),
        data={"held_on": held_on},
    )
    PlenaryDecision.objects.create(
        case=case,
        held_on=held_on,
        outcome=outcome,
        minutes=minutes.strip(),
        attendees=attendees.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    if not examine:
        closure_notice(case)
    return case


@transaction.atomic
def ombudsman_rco_accept(
    *, case: OmbudsmanCase, actor: Any, expected_version: int, criterion: str = "", note: str = ""
) -> OmbudsmanCase:
    """Respons Cepat Ombudsman: an urgent case goes straight to coordination with the reported party."""
    criterion = criterion or case.rco_criterion
    if criterion not in RcoCriterion.values:
        raise ValidationError({"criterion": _("Say why the case needs the fast track.")})
    return step(
        case=case,
        name="rco_accept",
        actor=actor,
        expected_version=expected_version,
        track=Track.RCO,
        rco_criterion=criterion,
        data={"criterion": criterion, "note": note.strip()},
    )


@transaction.atomic
def ombudsman_rco_resolve(
    *, case: OmbudsmanCase, actor: Any, expected_version: int, summary: str
) -> OmbudsmanCase:
    ensure_allowed(case, "rco_resolve")
    if case.track != Track.RCO:
        raise ValidationError(_("Only a fast-track case closes without a final report."))
    if not summary.strip():
        raise ValidationError({"summary": _("Summarise how the reported party resolved it.")})
    case = step(
        case=case,
        name="rco_resolve",
        actor=actor,
        expected_version=expected_version,
        closure_reason=ClosureReason.RCO_RESOLVED,
        closure_note=summary.strip(),
        data={"summary": summary.strip()},
    )
    closure_notice(case)
    return case
