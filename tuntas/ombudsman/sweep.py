"""The Ombudsman track's periodic sweep: lapse completeness requests, escalate what is overdue.

Each item remembers what the sweep already did (``lapsed_on``, ``escalated_on``,
``escalated_for``), and every item is re-read under a row lock, so a second run — or two
workers at once — finds nothing left to do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.ombudsman.models import (
    ClarificationRequest,
    CompletenessRequest,
    CorrectiveAction,
    OmbudsmanCase,
    Recommendation,
)
from tuntas.ombudsman.notify import number_of, staff_notify
from tuntas.ombudsman.services import record
from tuntas.ombudsman.services_verification import ombudsman_completeness_lapse
from tuntas.ombudsman.workflow import OPEN_STATES, OmbudsmanState

S = OmbudsmanState


@dataclass
class OmbudsmanSweepResult:
    completeness_lapsed: int = 0
    corrective_escalated: int = 0
    recommendations_escalated: int = 0
    clarifications_overdue: int = 0
    stages_overdue: int = 0
    errors: list[str] = field(default_factory=list)


def _lapse_completeness(today: datetime.date, result: OmbudsmanSweepResult) -> None:
    due = CompletenessRequest.objects.filter(
        answered_on__isnull=True,
        lapsed_on__isnull=True,
        due_on__lt=today,
        case__state=S.COMPLETENESS_REQUESTED,
    ).values_list("case_id", flat=True)
    for case_id in list(due):
        with transaction.atomic():
            case = OmbudsmanCase.objects.select_for_update().get(pk=case_id)
            still_open = CompletenessRequest.objects.filter(
                case=case, answered_on__isnull=True, lapsed_on__isnull=True, due_on__lt=today
            ).exists()
            if case.state != S.COMPLETENESS_REQUESTED or not still_open:
                continue
            ombudsman_completeness_lapse(case=case, actor=None, today=today)
        result.completeness_lapsed += 1


def _escalate_corrective(today: datetime.date, result: OmbudsmanSweepResult) -> None:
    overdue = CorrectiveAction.objects.filter(
        done_on__isnull=True,
        escalated_on__isnull=True,
        due_on__lt=today,
        lahp__case__state__in=[S.MONITORING, S.RECOMMENDATION],
    ).values_list("pk", flat=True)
    for action_id in list(overdue):
        with transaction.atomic():
            action = (
                CorrectiveAction.objects.select_for_update()
                .select_related("lahp__case__report", "owner")
                .get(pk=action_id)
            )
            if action.escalated_on is not None or action.done_on is not None:
                continue
            action.escalated_on = today
            action.save(update_fields=["escalated_on"])
            case = action.lahp.case
            record(
                case=case,
                action="corrective_action_overdue",
                actor=None,
                data={"corrective_action_id": action.pk, "due_on": action.due_on},
            )
            staff_notify(
                case=case,
                partner_liaison=True,
                subject=_("A corrective action on %(number)s is overdue")
                % {"number": number_of(case)},
                body=_(
                    "The corrective action “%(action)s” (%(owner)s) was due on %(date)s and is not reported done. "
                    "Please follow it up in Tuntas."
                )
                % {"action": action.description, "owner": action.owner.name, "date": action.due_on},
            )
        result.corrective_escalated += 1


def _escalate_recommendations(today: datetime.date, result: OmbudsmanSweepResult) -> None:
    overdue = Recommendation.objects.filter(
        followed_up_on__isnull=True, escalated_on__isnull=True, due_on__lt=today
    ).values_list("pk", flat=True)
    for recommendation_id in list(overdue):
        with transaction.atomic():
            recommendation = (
                Recommendation.objects.select_for_update()
                .select_related("case__report")
                .get(pk=recommendation_id)
            )
            if recommendation.escalated_on is not None or recommendation.followed_up_on is not None:
                continue
            recommendation.escalated_on = today
            recommendation.save(update_fields=["escalated_on"])
            case = recommendation.case
            record(
                case=case,
                action="recommendation_overdue",
                actor=None,
                data={"recommendation_id": recommendation.pk, "due_on": recommendation.due_on},
            )
            # UU 37/2008 Pasal 38(4): the Ombudsman may publish it and report to the DPR and the President.
            staff_notify(
                case=case,
                partner_liaison=True,
                subject=_("The report on the recommendation on %(number)s is overdue")
                % {"number": number_of(case)},
                body=_(
                    "%(addressee)s had to report by %(date)s how the recommendation is carried out. "
                    "The Ombudsman may now publish it and report to the DPR and the President (UU 37/2008 Pasal 38(4))."
                )
                % {"addressee": recommendation.addressee, "date": recommendation.due_on},
            )
        result.recommendations_escalated += 1


def _flag_clarifications(today: datetime.date, result: OmbudsmanSweepResult) -> None:
    overdue = ClarificationRequest.objects.filter(
        answered_on__isnull=True,
        escalated_on__isnull=True,
        due_on__lt=today,
        case__state=S.EXAMINATION,
    ).values_list("pk", flat=True)
    for clarification_id in list(overdue):
        with transaction.atomic():
            clarification = (
                ClarificationRequest.objects.select_for_update()
                .select_related("case__report")
                .get(pk=clarification_id)
            )
            if clarification.escalated_on is not None or clarification.answered_on is not None:
                continue
            clarification.escalated_on = today
            clarification.save(update_fields=["escalated_on"])
            case = clarification.case
            record(
                case=case,
                action="clarification_overdue",
                actor=None,
                data={"clarification_id": clarification.pk, "due_on": clarification.due_on},
            )
            staff_notify(
                case=case,
                partner_liaison=True,
                subject=_("A clarification on %(number)s is overdue") % {"number": number_of(case)},
                body=_("The reported party's answer was due on %(date)s.")
                % {"date": clarification.due_on},
            )
        result.clarifications_overdue += 1


def _flag_stages(today: datetime.date, result: OmbudsmanSweepResult) -> None:
    overdue = (
        OmbudsmanCase.objects.filter(state__in=sorted(OPEN_STATES), due_on__lt=today)
        .exclude(escalated_for=F("due_on"))
        .values_list("pk", flat=True)
    )
    for case_id in list(overdue):
        with transaction.atomic():
            case = (
                OmbudsmanCase.objects.select_for_update().select_related("report").get(pk=case_id)
            )
            if case.due_on is None or case.due_on >= today or case.escalated_for == case.due_on:
                continue
            OmbudsmanCase.objects.filter(pk=case.pk).update(escalated_for=case.due_on)
            record(
                case=case,
                action="stage_overdue",
                actor=None,
                data={"stage": case.stage, "due_on": case.due_on},
            )
            staff_notify(
                case=case,
                subject=_("Case %(number)s is overdue") % {"number": number_of(case)},
                body=_("The stage “%(state)s” was due on %(date)s.")
                % {"state": OmbudsmanState(case.state).label, "date": case.due_on},
            )
        result.stages_overdue += 1


def ombudsman_sweep(*, today: datetime.date | None = None) -> OmbudsmanSweepResult:
    today = today or timezone.localdate()
    result = OmbudsmanSweepResult()
    for part in (
        _lapse_completeness,
        _escalate_corrective,
        _escalate_recommendations,
        _flag_clarifications,
        _flag_stages,
    ):
        try:
            part(today, result)
        except (DatabaseError, ValidationError, LookupError) as error:
            # One broken part must not stop the others; the command reports it.
            result.errors.append(f"{part.__name__}: {error}")
    return result
