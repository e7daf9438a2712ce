"""Intake into the Ombudsman track and the steps every stage shares (custody, withdrawal).

Each step is one transaction with its audit event (action ``ombudsman.<transition>``, on the
report, so that the reporter's tracking timeline shows the public ones). Every step names the
version of the case it was decided on (``expected_version``); a stale one is refused with
CaseConflict and nothing is overwritten.

Own-initiative investigations (investigasi atas prakarsa sendiri, PO 38/2019) have no citizen
reporter: the staff member enters a Report in anonymous mode (no identity is stored), channel
walk_in, ``entered_by`` = themselves, and the case's source says own_initiative. Everything
that would go to a reporter simply has no recipient.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.audit.services import audit_record
from tuntas.cases.services_ombudsman import case_refer_to_ombudsman
from tuntas.cases.workflow import AgencyState
from tuntas.complaints.models import Category, Channel, IdentityMode, Report
from tuntas.complaints.services_intake import ReportDraft, SubmittedReport, report_submit
from tuntas.institutions.models import Institution, InstitutionKind, Unit
from tuntas.ombudsman import clock
from tuntas.ombudsman.models import ClosureReason, Handover, OmbudsmanCase, RcoCriterion
from tuntas.ombudsman.notify import in_reporter_language, number_of, reporter_notify
from tuntas.ombudsman.workflow import CLOSED_STATES, OmbudsmanState, Source, Track, target_of

S = OmbudsmanState


class CaseConflict(Exception):
    """Someone else changed the case since it was read."""

    def __init__(self, current_version: int) -> None:
        super().__init__(
            _(
                "Someone else changed this case while you were working on it. Reload it to see their change; "
                "nothing of yours was saved."
            )
        )
        self.current_version = current_version


def locked(case: OmbudsmanCase, expected_version: int | None) -> OmbudsmanCase:
    fresh = (
        OmbudsmanCase.objects.select_for_update()
        .select_related("office", "report", "report__institution")
        .get(pk=case.pk)
    )
    if expected_version is not None and fresh.version != expected_version:
        raise CaseConflict(fresh.version)
    return fresh


def record(
    *, case: OmbudsmanCase, action: str, actor: Any, data: dict[str, Any] | None = None
) -> None:
    """An audit event about ``case`` that is not a transition (a record added, a reminder sent)."""
    audit_record(
        actor=actor,
        action=f"ombudsman.{action}",
        obj=case.report,
        institution_id=case.office_id,
        data={"ombudsman_case_id": case.pk, **(data or {})},
    )


def bump(
    *,
    case: OmbudsmanCase,
    actor: Any,
    expected_version: int | None,
    action: str,
    data: dict[str, Any],
) -> OmbudsmanCase:
    """Lock the case, check its version, count a change and record it (no change of state)."""
    fresh = locked(case, expected_version)
    if fresh.state in CLOSED_STATES:
        raise ValidationError(_("This case is closed."))
    fresh.version += 1
    fresh.save(update_fields=["version"])
    record(case=fresh, action=action, actor=actor, data=data)
    case.__dict__.update(fresh.__dict__)
    return case


def ensure_allowed(case: OmbudsmanCase, name: str) -> None:
    """Refuse a step the state does not allow before checking anything else about it."""
    target_of(name, case.state)


def step(
    *,
    case: OmbudsmanCase,
    name: str,
    actor: Any,
    expected_version: int | None,
    data: dict[str, Any] | None = None,
    keep_clock: bool = False,
    closure_reason: str = "",
    **fields: Any,
) -> OmbudsmanCase:
    """Move ``case`` through transition ``name``, restart the stage clock, record the event."""
    fresh = locked(case, expected_version)
    source = fresh.state
    holder_id = fresh.office_id
    target = target_of(name, source)
    today = timezone.localdate()
    for field_name, value in fields.items():
        setattr(fresh, field_name, value)
    fresh.state = target
    if target in CLOSED_STATES:
        fresh.closed_at = timezone.now()
        fresh.closure_reason = closure_reason
        clock.start_stage(fresh, today=today, stage="")
    elif not keep_clock:
        clock.start_stage(fresh, today=today)
    fresh.version += 1
    fresh.save()
    audit_record(
        actor=actor,
        action=f"ombudsman.{name}",
        obj=fresh.report,
        institution_id=holder_id,
        changes={"state": [source, target]},
        data={"ombudsman_case_id": fresh.pk, "due_on": fresh.due_on, **(data or {})},
    )
    case.__dict__.update(fresh.__dict__)
    return case


def default_office_for(institution: Institution) -> Institution:
    """The Ombudsman office supervising ``institution``; the central office when none is set."""
    if institution.supervising_office_id is not None:
        return institution.supervising_office  # type: ignore[return-value]
    central = Institution.objects.filter(
        kind=InstitutionKind.OMBUDSMAN_CENTRAL, is_active=True
    ).first()
    if central is None:
        raise ValidationError({"office": _("No Ombudsman office covers this institution.")})
    return central


def ombudsman_case_open(
    *,
    report: Report,
    source: str,
    actor: Any,
    office: Institution | None = None,
    history: str = "",
    agency_case: Any = None,
    track: str = Track.REGULAR,
    rco_criterion: str = "",
) -> OmbudsmanCase:
    """Start the Ombudsman track of ``report``; the reported party is the report's institution.

    With an ``agency_case`` still offered to the Ombudsman, that case closes as referred in the
    same transaction and its history is attached.
    """
    if source not in Source.values:
        raise ValidationError({"source": _("Choose where the case comes from.")})
    if track not in Track.values:
        raise ValidationError({"track": _("Choose the track.")})
    if track == Track.RCO and rco_criterion not in RcoCriterion.values:
        raise ValidationError(
            {"rco_criterion": _("Say why the case needs the fast track (Respons Cepat Ombudsman).")}
        )
    if source == Source.ESCALATED and agency_case is None:
        raise ValidationError({"agency_case": _("An escalated case needs the institution's case.")})
    office = office or default_office_for(report.institution)
    if not office.is_ombudsman or not office.is_active:
        raise ValidationError({"office": _("Choose an active Ombudsman office.")})
    with transaction.atomic():
        if agency_case is not None:
            if agency_case.report_id != report.pk:
                raise ValidationError(
                    {"agency_case": _("The institution's case belongs to another report.")}
                )
            if agency_case.state == AgencyState.OFFERED_TO_OMBUDSMAN:
                agency_history = case_refer_to_ombudsman(
                    case=agency_case, actor=actor, office_id=office.pk
                )
                history = "\n\n".join(part for part in (history.strip(), agency_history) if part)
        today = timezone.localdate()
        case = OmbudsmanCase(
            report=report,
            office=office,
            source=source,
            agency_case=agency_case,
            history=history.strip(),
            track=track,
            rco_criterion=rco_criterion if track == Track.RCO else "",
            state=S.RECEIVED,
            opened_at=timezone.now(),
            stage_started_on=today,
        )
        case.office = office
        clock.start_stage(case, today=today)
        case.full_clean(exclude=["report", "office", "agency_case"])
        case.save()
        audit_record(
            actor=actor,
            action="ombudsman.opened",
            obj=report,
            institution_id=office.pk,
            data={
                "ombudsman_case_id": case.pk,
                "source": source,
                "track": track,
                "due_on": case.due_on,
                "agency_case_id": agency_case.pk if agency_case is not None else None,
            },
        )
    return case


def ombudsman_report_submit(
    *,
    draft: ReportDraft,
    channel: str,
    actor: Any,
    source: str = Source.DIRECT,
    office: Institution | None = None,
    history: str = "",
    track: str = Track.REGULAR,
    rco_criterion: str = "",
) -> SubmittedReport:
    """A report made to the Ombudsman: the report (no agency case) and its Ombudsman case, together.

    ``draft.institution`` is the reported party; the case is handled by ``office`` (by default the
    institution's supervising office). The case is ``submitted.report.ombudsman_case``.
    """
    with transaction.atomic():
        submitted = report_submit(draft=draft, channel=channel, actor=actor, open_agency_case=False)
        ombudsman_case_open(
            report=submitted.report,
            source=source,
            actor=actor,
            office=office,
            history=history,
            track=track,
            rco_criterion=rco_criterion,
        )
    return submitted


def ombudsman_own_initiative_open(
    *,
    actor: Any,
    institution: Institution,
    category: Category,
    title: str,
    description: str,
    unit: Unit | None = None,
    occurred_on: datetime.date | None = None,
    office: Institution | None = None,
    channel: str = Channel.WALK_IN,
) -> OmbudsmanCase:
    """Investigasi atas prakarsa sendiri: no citizen reporter, so the report is anonymous and staff-entered."""
    if channel not in (Channel.WALK_IN, Channel.PHONE):
        raise ValidationError({"channel": _("Choose walk-in or telephone.")})
    draft = ReportDraft(
        institution=institution,
        unit=unit,
        category=category,
        title=title,
        description=description,
        identity_mode=IdentityMode.ANONYMOUS,
        occurred_on=occurred_on,
    )
    submitted = ombudsman_report_submit(
        draft=draft, channel=channel, actor=actor, source=Source.OWN_INITIATIVE, office=office
    )
    return submitted.report.ombudsman_case


def ombudsman_case_from_agency(
    *, agency_case: Any, actor: Any, office: Institution | None = None
) -> OmbudsmanCase:
    """The reporter took an agency case that was offered to the Ombudsman there (history attached)."""
    if agency_case.state != AgencyState.OFFERED_TO_OMBUDSMAN:
        raise ValidationError(
            {"agency_case": _("Only a report offered to the Ombudsman can be taken there.")}
        )
    return ombudsman_case_open(
        report=agency_case.report,
        source=Source.ESCALATED,
        actor=actor,
        office=office,
        agency_case=agency_case,
    )


@transaction.atomic
def ombudsman_case_assign(
    *, case: OmbudsmanCase, actor: Any, expected_version: int, assistant: Any
) -> OmbudsmanCase:
    fresh = locked(case, expected_version)
    if fresh.state in CLOSED_STATES:
        raise ValidationError({"assistant": _("A closed case cannot be assigned.")})
    fresh.assigned_to = assistant
    fresh.version += 1
    fresh.save(update_fields=["assigned_to", "version"])
    record(
        case=fresh,
        action="assigned",
        actor=actor,
        data={"assistant_id": assistant.pk if assistant else None},
    )
    case.__dict__.update(fresh.__dict__)
    return case


@transaction.atomic
def ombudsman_case_hand_over(
    *,
    case: OmbudsmanCase,
    actor: Any,
    expected_version: int,
    to_office: Institution,
    reason: str,
    to_unit: Unit | None = None,
) -> Handover:
    """PO 58/2023 Pasal 17: intake → examination group, perwakilan ↔ pusat, perwakilan ↔ perwakilan."""
    fresh = locked(case, expected_version)
    if fresh.state in CLOSED_STATES:
        raise ValidationError({"to_office": _("A closed case cannot be handed over.")})
    if not to_office.is_ombudsman or not to_office.is_active:
        raise ValidationError({"to_office": _("Choose an active Ombudsman office.")})
    if to_unit is not None and to_unit.institution_id != to_office.pk:
        raise ValidationError({"to_unit": _("The unit must belong to the receiving office.")})
    if (
        to_office.pk == fresh.office_id
        and to_unit is not None
        and to_unit.pk == fresh.office_unit_id
    ):
        raise ValidationError({"to_unit": _("The case is already there.")})
    if to_office.pk == fresh.office_id and to_unit is None and fresh.office_unit_id is None:
        raise ValidationError({"to_office": _("The case is already there.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is handed over.")})
    handover = Handover.objects.create(
        case=fresh,
        from_office_id=fresh.office_id,
        from_unit_id=fresh.office_unit_id,
        to_office=to_office,
        to_unit=to_unit,
        reason=reason.strip(),
        handed_by=actor,
        handed_at=timezone.now(),
    )
    source_office_id = fresh.office_id
    fresh.office = to_office
    fresh.office_unit = to_unit
    if to_office.pk != source_office_id:
        fresh.assigned_to = None
    fresh.version += 1
    fresh.save(update_fields=["office", "office_unit", "assigned_to", "version"])
    data = {
        "handover_id": handover.pk,
        "from_office_id": source_office_id,
        "to_office_id": to_office.pk,
    }
    audit_record(
        actor=actor,
        action="ombudsman.handed_over",
        obj=fresh.report,
        institution_id=source_office_id,
        data={"ombudsman_case_id": fresh.pk, **data},
    )
    if to_office.pk != source_office_id:
        audit_record(
            actor=actor,
            action="ombudsman.handover_received",
            obj=fresh.report,
            institution_id=to_office.pk,
            data={"ombudsman_case_id": fresh.pk, **data},
        )
    case.__dict__.update(fresh.__dict__)
    return handover


def closure_notice(case: OmbudsmanCase) -> None:
    """Tell the reporter the case is closed, and why (pemberitahuan penutupan)."""
    with in_reporter_language(case):
        reason = ClosureReason(case.closure_reason).label if case.closure_reason else ""
        reporter_notify(
            case=case,
            subject=_("Your report %(number)s to the Ombudsman is closed")
            % {"number": number_of(case)},
            body=_(
                "The Ombudsman closed its examination of your report %(number)s.\nReason: %(reason)s\n%(note)s\n"
                "You can read the details on your report's status page.\nTuntas"
            )
            % {"number": number_of(case), "reason": reason, "note": case.closure_note},
        )


@transaction.atomic
def ombudsman_case_withdraw(
    *, case: OmbudsmanCase, reason: str, actor: Any = None
) -> OmbudsmanCase:
    return step(
        case=case,
        name="withdraw",
        actor=actor,
        expected_version=None,
        closure_reason=ClosureReason.WITHDRAWN,
        closure_note=reason.strip(),
        data={"reason": reason.strip()},
    )
