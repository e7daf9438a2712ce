"""The LAHP with its conclusion, the reporter's response window, monitoring, the rekomendasi."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.institutions.models import Institution
from tuntas.ombudsman import clock
from tuntas.ombudsman.models import (
    ClosureReason,
    CorrectiveAction,
    Lahp,
    MaladministrationType,
    OmbudsmanCase,
    Recommendation,
    SubstanceCategory,
)
from tuntas.ombudsman.models_outcome import Conclusion, RecommendationOutcome
from tuntas.ombudsman.notify import in_reporter_language, number_of, reporter_notify
from tuntas.ombudsman.services import bump, closure_notice, ensure_allowed, locked, record, step
from tuntas.ombudsman.workflow import OmbudsmanState

S = OmbudsmanState
CORRECTIVE_STAGE = "ombudsman.corrective_action"
RECOMMENDATION_STAGE = "ombudsman.recommendation_report"


@dataclass(frozen=True)
class CorrectiveItem:
    """One tindakan korektif as the examiner writes it; no date: the policy sets it at issue."""

    description: str
    owner: Institution
    owner_detail: str = ""
    due_on: datetime.date | None = None


def current_lahp(case: OmbudsmanCase) -> Lahp | None:
    return case.lahps.filter(superseded=False).first()


@transaction.atomic
def ombudsman_lahp_draft(
    *,
    case: OmbudsmanCase,
    actor: Any,
    expected_version: int,
    conclusion: str,
    summary: str,
    findings: str,
    opinion: str,
    substance: SubstanceCategory,
    maladministration_types: Iterable[MaladministrationType] = (),
    corrective_actions: Sequence[CorrectiveItem] = (),
) -> Lahp:
    """PO 48/2020 Pasal 25: the draft goes to the reporter, who has 14 days to respond (5b)."""
    types = list(maladministration_types)
    errors: dict[str, str] = {}
    if conclusion not in Conclusion.values:
        errors["conclusion"] = _("Choose one of the three conclusions.")
    for name, value in (("summary", summary), ("findings", findings), ("opinion", opinion)):
        if not value.strip():
            errors[name] = _("This part of the final report is required.")
    if conclusion == Conclusion.FOUND:
        if not types:
            errors["maladministration_types"] = _("Choose the maladministration found.")
        if not corrective_actions:
            errors["corrective_actions"] = _("List the corrective actions, each with who must act.")
    elif corrective_actions:
        errors["corrective_actions"] = _(
            "Corrective actions belong only to a final report that found maladministration."
        )
    if any(not item.description.strip() for item in corrective_actions):
        errors["corrective_actions"] = _("Describe every corrective action.")
    if any(not mal.is_active for mal in types) or not substance.is_active:
        errors["maladministration_types"] = _("Choose entries from the current lists.")
    today = timezone.localdate()
    if any(item.due_on is not None and item.due_on <= today for item in corrective_actions):
        errors["corrective_actions"] = _("A corrective action's deadline must be in the future.")
    if errors:
        raise ValidationError(errors)
    case = step(
        case=case,
        name="lahp_draft",
        actor=actor,
        expected_version=expected_version,
        data={"conclusion": conclusion},
    )
    lahp = Lahp.objects.create(
        case=case,
        conclusion=conclusion,
        summary=summary.strip(),
        findings=findings.strip(),
        opinion=opinion.strip(),
        substance=substance,
        drafted_at=timezone.now(),
        drafted_by=actor,
        reporter_notified_on=today,
        response_due_on=case.due_on or today,
    )
    lahp.maladministration_types.set(types)
    for item in corrective_actions:
        CorrectiveAction.objects.create(
            lahp=lahp,
            description=item.description.strip(),
            owner=item.owner,
            owner_detail=item.owner_detail.strip(),
            due_on=item.due_on or clock.deadline(case, stage=CORRECTIVE_STAGE, start=today),
            due_set_by_examiner=item.due_on is not None,
        )
    with in_reporter_language(case):
        reporter_notify(
            case=case,
            subject=_("The draft final report on %(number)s is ready")
            % {"number": number_of(case)},
            body=_(
                "The Ombudsman has drafted its final report on your report %(number)s: %(conclusion)s.\n"
                "You may respond, with arguments and evidence, until %(date)s; after that the report is issued.\nTuntas"
            )
            % {
                "number": number_of(case),
                "conclusion": Conclusion(conclusion).label,
                "date": lahp.response_due_on,
            },
        )
    return lahp


@transaction.atomic
def ombudsman_lahp_respond(*, case: OmbudsmanCase, response: str, actor: Any = None) -> Lahp:
    """The reporter's response to the draft (PO 48/2020 Pasal 25(5))."""
    if not response.strip():
        raise ValidationError({"response": _("Write your response.")})
    fresh = locked(case, None)
    lahp = current_lahp(fresh)
    if fresh.state != S.LAHP_DRAFT or lahp is None:
        raise ValidationError(_("There is no draft final report waiting for a response."))
    if lahp.responded_on is not None:
        raise ValidationError(_("A response was already received."))
    if timezone.localdate() > lahp.response_due_on:
        raise ValidationError(
            _("The time to respond ended on %(date)s; the final report is being issued.")
            % {"date": lahp.response_due_on}
        )
    lahp.reporter_response = response.strip()
    lahp.responded_on = timezone.localdate()
    lahp.save(update_fields=["reporter_response", "responded_on"])
    fresh.version += 1
    fresh.save(update_fields=["version"])
    record(case=fresh, action="lahp_response", actor=actor, data={"lahp_id": lahp.pk})
    case.__dict__.update(fresh.__dict__)
    return lahp


@transaction.atomic
def ombudsman_lahp_reexamine(
    *, case: OmbudsmanCase, actor: Any, expected_version: int, reason: str
) -> OmbudsmanCase:
    """The response brought enough argument and evidence: examine again (Pasal 25(5a))."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the response changed.")})
    lahp = current_lahp(case)
    case = step(
        case=case,
        name="lahp_reexamine",
        actor=actor,
        expected_version=expected_version,
        data={"reason": reason.strip(), "lahp_id": lahp.pk if lahp else None},
    )
    if lahp is not None:
        lahp.superseded = True
        lahp.save(update_fields=["superseded"])
    return case


@transaction.atomic
def ombudsman_lahp_issue(
    *, case: OmbudsmanCase, actor: Any, expected_version: int
) -> OmbudsmanCase:
    """Issue the LAHP once the reporter responded or their window passed (Pasal 25(5b))."""
    ensure_allowed(case, "lahp_issue")
    lahp = current_lahp(case)
    today = timezone.localdate()
    if lahp is None:
        raise ValidationError(_("There is no draft final report to issue."))
    if lahp.responded_on is None and today <= lahp.response_due_on:
        raise ValidationError(
            _("The reporter may respond until %(date)s; the final report is issued after that.")
            % {"date": lahp.response_due_on}
        )
    found = lahp.conclusion == Conclusion.FOUND
    case = step(
        case=case,
        name="lahp_issue" if found else "lahp_issue_close",
        actor=actor,
        expected_version=expected_version,
        closure_reason="" if found else ClosureReason.LAHP_ISSUED,
        closure_note="" if found else str(Conclusion(lahp.conclusion).label),
        data={"lahp_id": lahp.pk, "conclusion": lahp.conclusion},
    )
    lahp.issued_at = timezone.now()
    lahp.issued_by = actor
    lahp.save(update_fields=["issued_at", "issued_by"])
    if found:
        for action in lahp.corrective_actions.filter(due_set_by_examiner=False):
            action.due_on = clock.deadline(case, stage=CORRECTIVE_STAGE, start=today)
            action.save(update_fields=["due_on"])
        latest = max(action.due_on for action in lahp.corrective_actions.all())
        case.due_on = max(case.due_on or latest, latest)
        case.save(update_fields=["due_on"])
    else:
        closure_notice(case)
    return case


@transaction.atomic
def ombudsman_corrective_action_done(
    *, action: CorrectiveAction, actor: Any, evidence: str, done_on: datetime.date | None = None
) -> CorrectiveAction:
    if not evidence.strip():
        raise ValidationError(
            {"evidence": _("Describe the evidence that the action was carried out.")}
        )
    fresh = (
        CorrectiveAction.objects.select_for_update().select_related("lahp__case").get(pk=action.pk)
    )
    if fresh.done_on is not None:
        raise ValidationError(_("This corrective action is already done."))
    if fresh.lahp.case.state != S.MONITORING:
        raise ValidationError(_("Corrective actions are recorded while they are monitored."))
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    fresh.done_on = done_on
    fresh.evidence = evidence.strip()
    fresh.save(update_fields=["done_on", "evidence"])
    bump(
        case=fresh.lahp.case,
        actor=actor,
        expected_version=None,
        action="corrective_action_done",
        data={"corrective_action_id": fresh.pk, "late": done_on > fresh.due_on},
    )
    action.__dict__.update(fresh.__dict__)
    return action


def open_corrective_actions(case: OmbudsmanCase) -> list[CorrectiveAction]:
    lahp = case.lahps.filter(issued_at__isnull=False).first()
    return list(lahp.corrective_actions.filter(done_on__isnull=True)) if lahp else []


@transaction.atomic
def ombudsman_monitoring_complete(
    *, case: OmbudsmanCase, actor: Any, expected_version: int
) -> OmbudsmanCase:
    ensure_allowed(case, "monitoring_complete")
    if open_corrective_actions(case):
        raise ValidationError(_("Some corrective actions are not done yet."))
    case = step(
        case=case,
        name="monitoring_complete",
        actor=actor,
        expected_version=expected_version,
        closure_reason=ClosureReason.CORRECTIVE_DONE,
    )
    closure_notice(case)
    return case


@transaction.atomic
def ombudsman_recommendation_issue(
    *, case: OmbudsmanCase, actor: Any, expected_version: int, addressee: str, content: str
) -> Recommendation:
    """Rekomendasi when the corrective actions were not carried out (§1.9); the superior reports back."""
    errors: dict[str, str] = {}
    if not addressee.strip():
        errors["addressee"] = _("Name the reported party's superior it is addressed to.")
    if not content.strip():
        errors["content"] = _("Write the recommendation.")
    if errors:
        raise ValidationError(errors)
    ensure_allowed(case, "recommendation_issue")
    if not open_corrective_actions(case):
        raise ValidationError(_("Every corrective action is done; close the case instead."))
    case = step(
        case=case,
        name="recommendation_issue",
        actor=actor,
        expected_version=expected_version,
        data={"addressee": addressee.strip()},
    )
    today = timezone.localdate()
    return Recommendation.objects.create(
        case=case,
        addressee=addressee.strip(),
        content=content.strip(),
        issued_on=today,
        due_on=case.due_on or clock.deadline(case, stage=RECOMMENDATION_STAGE, start=today),
        issued_by=actor,
    )


@transaction.atomic
def ombudsman_recommendation_close(
    *, case: OmbudsmanCase, actor: Any, expected_version: int, outcome: str, follow_up: str
) -> OmbudsmanCase:
    """Record how the superior followed the rekomendasi up, and close the case."""
    errors: dict[str, str] = {}
    if outcome not in RecommendationOutcome.values:
        errors["outcome"] = _("Choose how the recommendation was carried out.")
    if not follow_up.strip():
        errors["follow_up"] = _("Summarise the follow-up report.")
    if errors:
        raise ValidationError(errors)
    ensure_allowed(case, "recommendation_close")
    recommendation = (
        Recommendation.objects.select_for_update()
        .filter(case=case, followed_up_on__isnull=True)
        .first()
    )
    if recommendation is None:
        raise ValidationError(_("There is no open recommendation."))
    case = step(
        case=case,
        name="recommendation_close",
        actor=actor,
        expected_version=expected_version,
        closure_reason=ClosureReason.RECOMMENDATION_FOLLOWED_UP,
        closure_note=follow_up.strip(),
        data={"outcome": outcome},
    )
    recommendation.outcome = outcome
    recommendation.follow_up = follow_up.strip()
    recommendation.followed_up_on = timezone.localdate()
    recommendation.save(update_fields=["outcome", "follow_up", "followed_up_on"])
    closure_notice(case)
    return case
