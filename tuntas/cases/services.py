"""Every step of the agency track. Each is one transaction with its audit event.

Every step names the version of the case it was decided on (``expected_version``); when
someone else changed the case in between, the step is refused with CaseConflict and nothing
is overwritten.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.accounts.models import Membership
from tuntas.audit.services import audit_record
from tuntas.cases import clock
from tuntas.cases.access import is_head_of
from tuntas.cases.models import AgencyCase, CaseMessage, Complexity, MessageKind
from tuntas.cases.workflow import CLOSED_STATES, AgencyState, target_of
from tuntas.institutions.models import Institution, Unit

S = AgencyState


class CaseConflict(Exception):
    """Someone else changed the case since it was read."""

    def __init__(self, current_version: int) -> None:
        super().__init__(
            _(
                "Someone else changed this report while you were working on it. Reload it to see their change; "
                "nothing of yours was saved."
            )
        )
        self.current_version = current_version


def _locked(case: AgencyCase, expected_version: int | None) -> AgencyCase:
    fresh = (
        AgencyCase.objects.select_for_update()
        .select_related("institution", "report")
        .get(pk=case.pk)
    )
    if expected_version is not None and fresh.version != expected_version:
        raise CaseConflict(fresh.version)
    return fresh


def _step(
    *,
    case: AgencyCase,
    name: str,
    actor: Any,
    expected_version: int | None,
    data: dict[str, Any] | None = None,
    keep_clock: bool = False,
    already_locked: bool = False,
    **fields: Any,
) -> AgencyCase:
    """Move ``case`` through transition ``name``, restart the clock, record the event.

    ``already_locked``: the caller holds ``case`` fresh under select_for_update in this
    transaction (the sweep), so it is not read again.
    """
    fresh = case if already_locked else _locked(case, expected_version)
    source = fresh.state
    holder_id = fresh.institution_id  # the event belongs to whoever held the case when it happened
    target = target_of(name, source)
    today = timezone.localdate()
    for field_name, value in fields.items():
        setattr(fresh, field_name, value)
    fresh.state = target
    if target in CLOSED_STATES:
        fresh.closed_at = timezone.now()
        clock.start_stage(fresh, stage=None, today=today)
    elif not keep_clock:
        clock.start_stage(fresh, stage=clock.stage_for(target, fresh.complexity), today=today)
    fresh.version += 1
    # Field values are checked here; the invariants are CHECK constraints that the database
    # enforces on save (validating them in Python costs one query each, per step).
    fresh.full_clean(
        exclude=["report", "institution", "unit", "assigned_to"],
        validate_unique=False,
        validate_constraints=False,
    )
    fresh.save()
    audit_record(
        actor=actor,
        action=f"case.{name}",
        obj=fresh.report,
        institution_id=holder_id,
        changes={"state": [source, target]},
        data={"case_id": fresh.pk, **(data or {})},
    )
    case.__dict__.update(fresh.__dict__)
    return case


def agency_case_open(*, report: Any, actor: Any = None) -> AgencyCase:
    """Start the agency track of a new report; called by report_submit in its transaction."""
    # No savepoint of its own: nothing here is caught and retried; report_submit's savepoint
    # covers it (two round trips fewer per submission on PostgreSQL).
    with transaction.atomic(savepoint=False):
        case = AgencyCase(
            report=report,
            institution=report.institution,
            unit=report.unit,
            state=S.RECEIVED,
            opened_at=timezone.now(),
            stage_started_on=timezone.localdate(),
        )
        clock.start_stage(
            case, stage=clock.stage_for(S.RECEIVED, case.complexity), today=timezone.localdate()
        )
        case.save()
        audit_record(
            actor=actor,
            action="case.opened",
            obj=report,
            institution_id=report.institution_id,
            data={"case_id": case.pk, "due_on": case.due_on},
        )
    return case


@transaction.atomic
def case_verify(
    *, case: AgencyCase, actor: Any, expected_version: int, note: str = ""
) -> AgencyCase:
    return _step(
        case=case,
        name="verify",
        actor=actor,
        expected_version=expected_version,
        data={"note": note},
    )


@transaction.atomic
def case_reject(*, case: AgencyCase, actor: Any, expected_version: int, reason: str) -> AgencyCase:
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the reporter why the report is rejected.")})
    return _step(
        case=case,
        name="reject",
        actor=actor,
        expected_version=expected_version,
        rejection_reason=reason.strip(),
        data={"reason": reason.strip()},
    )


@transaction.atomic
def case_request_information(
    *, case: AgencyCase, actor: Any, expected_version: int, question: str
) -> AgencyCase:
    if not question.strip():
        raise ValidationError({"question": _("Write what the reporter should add.")})
    case = _step(
        case=case,
        name="request_information",
        actor=actor,
        expected_version=expected_version,
        keep_clock=True,
    )
    clock.pause(case, today=timezone.localdate())
    case.save(update_fields=["paused_on", "remaining_when_paused", "due_on"])
    CaseMessage.objects.create(
        case=case, kind=MessageKind.TO_REPORTER, author=actor, body=question.strip()
    )
    return case


@transaction.atomic
def case_information_received(*, case: AgencyCase, text: str, actor: Any = None) -> AgencyCase:
    """The reporter answered; the clock resumes with the time that was left."""
    case = _step(
        case=case, name="information_received", actor=actor, expected_version=None, keep_clock=True
    )
    clock.resume(case, today=timezone.localdate())
    case.save(
        update_fields=[
            "pauses",
            "due_on",
            "paused_on",
            "remaining_when_paused",
            "calendar_version",
            "reminded_for",
            "escalated_for",
        ]
    )
    CaseMessage.objects.create(
        case=case, kind=MessageKind.FROM_REPORTER, author=actor, body=text.strip()
    )
    return case


@transaction.atomic
def case_disposition(
    *,
    case: AgencyCase,
    actor: Any,
    expected_version: int,
    unit: Unit,
    note: str,
    complexity: str | None = None,
) -> AgencyCase:
    if unit.institution_id != case.institution_id:
        raise ValidationError(
            {"unit": _("Choose a unit of the institution that holds the report.")}
        )
    if complexity is not None and complexity not in Complexity.values:
        raise ValidationError({"complexity": _("Choose how complex the report is.")})
    fields: dict[str, Any] = {"unit": unit, "assigned_to": None}
    if complexity is not None:
        fields["complexity"] = complexity
    return _step(
        case=case,
        name="disposition",
        actor=actor,
        expected_version=expected_version,
        data={"unit_id": unit.pk, "note": note.strip()},
        **fields,
    )


@transaction.atomic
def case_assign(*, case: AgencyCase, actor: Any, expected_version: int, officer: Any) -> AgencyCase:
    fresh = _locked(case, expected_version)
    if fresh.state in CLOSED_STATES:
        raise ValidationError({"officer": _("A closed report cannot be assigned.")})
    if (
        officer is not None
        and not Membership.objects.active()
        .filter(user=officer, institution_id=fresh.institution_id)
        .exists()
    ):
        raise ValidationError(
            {"officer": _("Choose someone who works for the institution that holds the report.")}
        )
    fresh.assigned_to = officer
    fresh.version += 1
    fresh.save(update_fields=["assigned_to", "version"])
    audit_record(
        actor=actor,
        action="case.assigned",
        obj=fresh.report,
        institution_id=fresh.institution_id,
        data={"case_id": fresh.pk, "officer_id": officer.pk if officer else None},
    )
    case.__dict__.update(fresh.__dict__)
    return case


@transaction.atomic
def case_draft_response(
    *, case: AgencyCase, actor: Any, expected_version: int, text: str
) -> AgencyCase:
    if not text.strip():
        raise ValidationError({"text": _("Write the response to the reporter.")})
    keep = case.state == S.IN_FOLLOW_UP
    return _step(
        case=case,
        name="draft_response",
        actor=actor,
        expected_version=expected_version,
        keep_clock=keep,
        draft_response=text.strip(),
    )


@transaction.atomic
def case_submit_for_approval(*, case: AgencyCase, actor: Any, expected_version: int) -> AgencyCase:
    return _step(
        case=case,
        name="submit_for_approval",
        actor=actor,
        expected_version=expected_version,
        keep_clock=True,
    )


@transaction.atomic
def case_return_for_revision(
    *, case: AgencyCase, actor: Any, expected_version: int, note: str
) -> AgencyCase:
    return _step(
        case=case,
        name="return_for_revision",
        actor=actor,
        expected_version=expected_version,
        keep_clock=True,
        data={"note": note.strip()},
    )


@transaction.atomic
def case_resolve(
    *, case: AgencyCase, actor: Any, expected_version: int, summary: str, approved: bool = False
) -> AgencyCase:
    if not summary.strip():
        raise ValidationError({"summary": _("Summarise how the report was resolved.")})
    needs_approval = Institution.objects.filter(
        pk=case.institution_id, requires_head_approval=True
    ).exists()
    if needs_approval and not approved:
        raise PermissionDenied(
            _(
                "This institution's responses need the head's approval before the report is resolved."
            )
        )
    if approved and not is_head_of(actor, case):
        raise PermissionDenied(_("Only the head of the institution can approve a response."))
    return _step(
        case=case,
        name="resolve",
        actor=actor,
        expected_version=expected_version,
        resolution_summary=summary.strip(),
        data={"approved": approved},
    )


@transaction.atomic
def case_confirm(*, case: AgencyCase, actor: Any = None) -> AgencyCase:
    return _step(case=case, name="confirm", actor=actor, expected_version=None)


@transaction.atomic
def case_dispute(*, case: AgencyCase, reason: str, actor: Any = None) -> AgencyCase:
    if not reason.strip():
        raise ValidationError({"reason": _("Tell us what is still wrong.")})
    return _step(
        case=case,
        name="dispute",
        actor=actor,
        expected_version=None,
        data={"reason": reason.strip()},
    )


@transaction.atomic
def case_escalate(
    *,
    case: AgencyCase,
    actor: Any,
    reason: str,
    expected_version: int | None = None,
    already_locked: bool = False,
) -> AgencyCase:
    """To the head of the institution: overdue (actor None, by the sweep) or on request."""
    return _step(
        case=case,
        name="escalate",
        actor=actor,
        expected_version=expected_version,
        data={"reason": reason},
        already_locked=already_locked,
    )


@transaction.atomic
def case_offer_to_ombudsman(
    *,
    case: AgencyCase,
    actor: Any = None,
    expected_version: int | None = None,
    already_locked: bool = False,
) -> AgencyCase:
    """Offer the reporter a report to the Ombudsman: by the sweep (actor None) or the head."""
    return _step(
        case=case,
        name="offer_to_ombudsman",
        actor=actor,
        expected_version=expected_version,
        already_locked=already_locked,
    )


@transaction.atomic
def case_transfer(
    *, case: AgencyCase, actor: Any, expected_version: int, to_institution: Institution, reason: str
) -> AgencyCase:
    """Hand custody to another institution; both keep the transfer in their audit trail."""
    if to_institution.pk == case.institution_id or not to_institution.is_active:
        raise ValidationError({"to_institution": _("Choose another, active institution.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the report belongs to the other institution.")})
    source_institution_id = case.institution_id
    case = _step(
        case=case,
        name="transfer",
        actor=actor,
        expected_version=expected_version,
        institution=to_institution,
        unit=None,
        assigned_to=None,
        data={"to_institution_id": to_institution.pk, "reason": reason.strip()},
    )
    report = case.report
    report.institution = to_institution
    report.unit = None
    report.save(update_fields=["institution", "unit", "updated_at"])
    audit_record(
        actor=actor,
        action="case.transfer_received",
        obj=case.report,
        institution_id=to_institution.pk,
        data={"case_id": case.pk, "from_institution_id": source_institution_id},
    )
    return case


@transaction.atomic
def case_note_add(*, case: AgencyCase, actor: Any, text: str) -> CaseMessage:
    if not text.strip():
        raise ValidationError({"text": _("The note is empty.")})
    message = CaseMessage.objects.create(
        case=case, kind=MessageKind.INTERNAL_NOTE, author=actor, body=text.strip()
    )
    audit_record(
        actor=actor,
        action="case.note_added",
        obj=case.report,
        institution_id=case.institution_id,
        data={"case_id": case.pk},
    )
    return message


@transaction.atomic
def case_withdraw(*, case: AgencyCase, reason: str, actor: Any = None) -> AgencyCase:
    """The reporter withdrew the report: the agency track closes with it."""
    return _step(
        case=case,
        name="withdraw",
        actor=actor,
        expected_version=None,
        data={"reason": reason.strip()},
    )
