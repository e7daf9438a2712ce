"""The steps of the case page: which form each step shows, when, and which service it calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from tuntas.ombudsman import forms as step_forms
from tuntas.ombudsman import services as core
from tuntas.ombudsman import services_examination as exam
from tuntas.ombudsman import services_outcome as outcome
from tuntas.ombudsman import services_verification as verification
from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.ombudsman.workflow import TRANSITION_LABELS, OmbudsmanState, Track, allowed_transitions

S = OmbudsmanState
Handler = Callable[[OmbudsmanCase, Any, dict[str, Any]], Any]


@dataclass(frozen=True)
class Step:
    label: Any
    form: type[step_forms.StepForm]
    run: Handler
    available: Callable[[OmbudsmanCase], bool]


def _transition(name: str) -> Callable[[OmbudsmanCase], bool]:
    return lambda case: name in allowed_transitions(case.state)


def _in(*states: str) -> Callable[[OmbudsmanCase], bool]:
    return lambda case: case.state in states


def _open(case: OmbudsmanCase) -> bool:
    return case.is_open


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


def _lahp_draft(case: OmbudsmanCase, actor: Any, data: dict[str, Any]) -> Any:
    items = [
        outcome.CorrectiveItem(description=line, owner=case.report.institution)
        for line in _lines(data["corrective_actions"])
    ]
    return outcome.ombudsman_lahp_draft(
        case=case,
        actor=actor,
        expected_version=data["expected_version"],
        conclusion=data["conclusion"],
        summary=data["summary"],
        findings=data["findings"],
        opinion=data["opinion"],
        substance=data["substance"],
        maladministration_types=data["maladministration_types"],
        corrective_actions=items,
    )


def _v(data: dict[str, Any]) -> int:
    return int(data["expected_version"])


STEPS: dict[str, Step] = {
    "formal_check": Step(
        _("record the formal check"),
        step_forms.FormalCheckForm,
        lambda case, actor, data: verification.ombudsman_formal_check_record(
            case=case,
            actor=actor,
            identity_confirmed=data["identity_confirmed"],
            chronology_clear=data["chronology_clear"],
            prior_complaint=data["prior_complaint"],
            within_two_years=data["within_two_years"],
            power_of_attorney=data["power_of_attorney"],
            note=data["note"],
        ),
        _in(S.RECEIVED, S.COMPLETENESS_REQUESTED),
    ),
    "request_completeness": Step(
        TRANSITION_LABELS["request_completeness"],
        step_forms.CompletenessRequestForm,
        lambda case, actor, data: verification.ombudsman_request_completeness(
            case=case, actor=actor, expected_version=_v(data), missing_items=data["missing_items"]
        ),
        _transition("request_completeness"),
    ),
    "completeness_received": Step(
        TRANSITION_LABELS["completeness_received"],
        step_forms.CompletenessReceivedForm,
        lambda case, actor, data: verification.ombudsman_completeness_received(
            case=case, actor=actor, answer=data["answer"]
        ),
        _transition("completeness_received"),
    ),
    "formal_verify": Step(
        TRANSITION_LABELS["formal_verify"],
        step_forms.ConfirmForm,
        lambda case, actor, data: verification.ombudsman_formal_verify(
            case=case, actor=actor, expected_version=_v(data)
        ),
        _transition("formal_verify"),
    ),
    "close_formal": Step(
        TRANSITION_LABELS["close_formal"],
        step_forms.ReasonForm,
        lambda case, actor, data: verification.ombudsman_close_formal(
            case=case, actor=actor, expected_version=_v(data), reason=data["reason"]
        ),
        _transition("close_formal"),
    ),
    "material_check": Step(
        _("record the material check"),
        step_forms.MaterialCheckForm,
        lambda case, actor, data: verification.ombudsman_material_check_record(
            case=case,
            actor=actor,
            within_authority=data["within_authority"],
            not_before_court=data["not_before_court"],
            not_already_reported=data["not_already_reported"],
            not_resolved=data["not_resolved"],
            agency_time_passed=data["agency_time_passed"],
            note=data["note"],
        ),
        _in(S.MATERIAL_VERIFICATION),
    ),
    "material_verify": Step(
        TRANSITION_LABELS["material_verify"],
        step_forms.ConfirmForm,
        lambda case, actor, data: verification.ombudsman_material_verify(
            case=case, actor=actor, expected_version=_v(data)
        ),
        _transition("material_verify"),
    ),
    "material_reject": Step(
        TRANSITION_LABELS["material_reject"],
        step_forms.ReasonForm,
        lambda case, actor, data: verification.ombudsman_material_reject(
            case=case, actor=actor, expected_version=_v(data), reason=data["reason"]
        ),
        _transition("material_reject"),
    ),
    "plenary": Step(
        _("record the plenary decision"),
        step_forms.PlenaryForm,
        lambda case, actor, data: verification.ombudsman_plenary_decide(
            case=case,
            actor=actor,
            expected_version=_v(data),
            outcome=data["outcome"],
            held_on=data["held_on"],
            minutes=data["minutes"],
            attendees=data["attendees"],
        ),
        _in(S.PLENARY),
    ),
    "rco_accept": Step(
        TRANSITION_LABELS["rco_accept"],
        step_forms.RcoAcceptForm,
        lambda case, actor, data: verification.ombudsman_rco_accept(
            case=case,
            actor=actor,
            expected_version=_v(data),
            criterion=data["criterion"],
            note=data["note"],
        ),
        _transition("rco_accept"),
    ),
    "clarification_request": Step(
        _("ask the reported party for clarification"),
        step_forms.ClarificationForm,
        lambda case, actor, data: exam.ombudsman_clarification_request(
            case=case,
            actor=actor,
            expected_version=_v(data),
            kind=data["kind"],
            questions=data["questions"],
        ),
        _in(S.EXAMINATION),
    ),
    "clarification_answer": Step(
        _("record the reported party's answer"),
        step_forms.ClarificationAnswerForm,
        lambda case, actor, data: exam.ombudsman_clarification_answer(
            clarification=data["clarification"], actor=actor, answer=data["answer"]
        ),
        lambda case: (
            case.state == S.EXAMINATION
            and case.clarifications.filter(answered_on__isnull=True).exists()
        ),
    ),
    "summons": Step(
        _("record a summons"),
        step_forms.SummonsForm,
        lambda case, actor, data: exam.ombudsman_summons_record(
            case=case,
            actor=actor,
            expected_version=_v(data),
            person=data["person"],
            capacity=data["capacity"],
            scheduled_at=data["scheduled_at"],
            place=data["place"],
        ),
        _in(S.EXAMINATION),
    ),
    "summons_attendance": Step(
        _("record attendance at a summons"),
        step_forms.SummonsAttendanceForm,
        lambda case, actor, data: exam.ombudsman_summons_attendance(
            summons=data["summons"], actor=actor, attended=data["attended"], note=data["note"]
        ),
        lambda case: (
            case.state == S.EXAMINATION and case.summonses.filter(attended__isnull=True).exists()
        ),
    ),
    "mediation": Step(
        _("record a conciliation or mediation"),
        step_forms.MediationForm,
        lambda case, actor, data: exam.ombudsman_mediation_record(
            case=case,
            actor=actor,
            expected_version=_v(data),
            kind=data["kind"],
            held_on=data["held_on"],
            parties=data["parties"],
            outcome=data["outcome"],
            agreement=data["agreement"],
        ),
        _in(S.EXAMINATION),
    ),
    "rco_resolve": Step(
        TRANSITION_LABELS["rco_resolve"],
        step_forms.SummaryForm,
        lambda case, actor, data: verification.ombudsman_rco_resolve(
            case=case, actor=actor, expected_version=_v(data), summary=data["summary"]
        ),
        lambda case: case.state == S.EXAMINATION and case.track == Track.RCO,
    ),
    "lahp_draft": Step(
        TRANSITION_LABELS["lahp_draft"],
        step_forms.LahpDraftForm,
        _lahp_draft,
        _transition("lahp_draft"),
    ),
    "lahp_respond": Step(
        _("record the reporter's response to the draft"),
        step_forms.ResponseForm,
        lambda case, actor, data: outcome.ombudsman_lahp_respond(
            case=case, actor=actor, response=data["response"]
        ),
        lambda case: (
            case.state == S.LAHP_DRAFT
            and case.lahps.filter(superseded=False, responded_on__isnull=True).exists()
        ),
    ),
    "lahp_reexamine": Step(
        TRANSITION_LABELS["lahp_reexamine"],
        step_forms.ReasonForm,
        lambda case, actor, data: outcome.ombudsman_lahp_reexamine(
            case=case, actor=actor, expected_version=_v(data), reason=data["reason"]
        ),
        _transition("lahp_reexamine"),
    ),
    "lahp_issue": Step(
        _("issue the final report"),
        step_forms.ConfirmForm,
        lambda case, actor, data: outcome.ombudsman_lahp_issue(
            case=case, actor=actor, expected_version=_v(data)
        ),
        _in(S.LAHP_DRAFT),
    ),
    "corrective_done": Step(
        _("record a corrective action as done"),
        step_forms.CorrectiveDoneForm,
        lambda case, actor, data: outcome.ombudsman_corrective_action_done(
            action=data["action"], actor=actor, evidence=data["evidence"]
        ),
        lambda case: (
            case.state in (S.MONITORING, S.RECOMMENDATION)
            and bool(outcome.open_corrective_actions(case))
        ),
    ),
    "monitoring_complete": Step(
        TRANSITION_LABELS["monitoring_complete"],
        step_forms.ConfirmForm,
        lambda case, actor, data: outcome.ombudsman_monitoring_complete(
            case=case, actor=actor, expected_version=_v(data)
        ),
        _transition("monitoring_complete"),
    ),
    "recommendation_issue": Step(
        TRANSITION_LABELS["recommendation_issue"],
        step_forms.RecommendationForm,
        lambda case, actor, data: outcome.ombudsman_recommendation_issue(
            case=case,
            actor=actor,
            expected_version=_v(data),
            addressee=data["addressee"],
            content=data["content"],
        ),
        _transition("recommendation_issue"),
    ),
    "recommendation_close": Step(
        TRANSITION_LABELS["recommendation_close"],
        step_forms.RecommendationCloseForm,
        lambda case, actor, data: outcome.ombudsman_recommendation_close(
            case=case,
            actor=actor,
            expected_version=_v(data),
            outcome=data["outcome"],
            follow_up=data["follow_up"],
        ),
        _transition("recommendation_close"),
    ),
    "assign": Step(
        _("assign an assistant"),
        step_forms.AssignForm,
        lambda case, actor, data: core.ombudsman_case_assign(
            case=case, actor=actor, expected_version=_v(data), assistant=data["assistant"]
        ),
        _open,
    ),
    "hand_over": Step(
        _("hand the case over"),
        step_forms.HandOverForm,
        lambda case, actor, data: core.ombudsman_case_hand_over(
            case=case,
            actor=actor,
            expected_version=_v(data),
            to_office=data["to_office"],
            to_unit=data["to_unit"],
            reason=data["reason"],
        ),
        _open,
    ),
    "withdraw": Step(
        _("record the reporter's withdrawal"),
        step_forms.ReasonForm,
        lambda case, actor, data: core.ombudsman_case_withdraw(
            case=case, actor=actor, reason=data["reason"]
        ),
        _transition("withdraw"),
    ),
}
