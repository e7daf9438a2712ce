"""The forms of the case page: one per step. They only parse; the views call the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tuntas.accounts.models import Membership, Role, User
from tuntas.institutions.models import Institution, InstitutionKind, Unit
from tuntas.ombudsman.models import (
    ClarificationRequest,
    CorrectiveAction,
    MaladministrationType,
    OmbudsmanCase,
    RcoCriterion,
    SubstanceCategory,
    SummonsEntry,
)
from tuntas.ombudsman.models_exam import (
    ClarificationKind,
    MediationKind,
    MediationOutcome,
    PlenaryOutcome,
    PowerOfAttorney,
)
from tuntas.ombudsman.models_outcome import Conclusion, RecommendationOutcome


def _text(label: Any, rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}))


class StepForm(forms.Form):
    """Every step names the version of the case it was decided on."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: OmbudsmanCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case


class ConfirmForm(StepForm):
    pass


class ReasonForm(StepForm):
    reason = _text(_("Reason, as the reporter will read it"))


class CompletenessRequestForm(StepForm):
    missing_items = _text(_("What the reporter must add"))


class CompletenessReceivedForm(StepForm):
    answer = _text(_("What the reporter sent"))


class FormalCheckForm(StepForm):
    identity_confirmed = forms.BooleanField(
        label=_("Identity complete, NIK confirmed with the population register"), required=False
    )
    chronology_clear = forms.BooleanField(
        label=_("The events are described in detail"), required=False
    )
    prior_complaint = forms.BooleanField(
        label=_("The reported party was asked first and did not resolve it"), required=False
    )
    within_two_years = forms.BooleanField(
        label=_("The event is less than 2 years old"), required=False
    )
    power_of_attorney = forms.ChoiceField(
        label=_("Power of attorney"), choices=PowerOfAttorney.choices
    )
    note = _text(_("Note"), required=False)

    def __init__(self, *args: Any, case: OmbudsmanCase, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        if case.agency_case_id is not None:
            # The institution handled the report first: the prior complaint is on record.
            self.fields["prior_complaint"].initial = True
            self.fields["prior_complaint"].help_text = _(
                "Ticked: the reported institution handled this report first (its history is attached)."
            )


class MaterialCheckForm(StepForm):
    within_authority = forms.BooleanField(
        label=_("Within the Ombudsman's authority"), required=False
    )
    not_before_court = forms.BooleanField(
        label=_("Not being or already examined by a court"), required=False
    )
    not_already_reported = forms.BooleanField(
        label=_("Not already reported to the Ombudsman"), required=False
    )
    not_resolved = forms.BooleanField(
        label=_("Not already resolved by the reported party"), required=False
    )
    agency_time_passed = forms.BooleanField(
        label=_("The reported party's reasonable time has passed"), required=False
    )
    note = _text(_("Note"), required=False)


class PlenaryForm(StepForm):
    outcome = forms.ChoiceField(label=_("Decision"), choices=PlenaryOutcome.choices)
    held_on = _date(_("Meeting date"))
    minutes = _text(_("Minutes"), rows=5)
    attendees = _text(_("Attendees"), rows=2, required=False)


class RcoAcceptForm(StepForm):
    criterion = forms.ChoiceField(label=_("Why the case is urgent"), choices=RcoCriterion.choices)
    note = _text(_("Note"), required=False)


class SummaryForm(StepForm):
    summary = _text(_("How the reported party resolved it"))


class ClarificationForm(StepForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ClarificationKind.choices)
    questions = _text(_("What the reported party must explain"), rows=5)


class ClarificationAnswerForm(StepForm):
    clarification = forms.ModelChoiceField(
        label=_("Clarification"), queryset=ClarificationRequest.objects.none()
    )
    answer = _text(_("The reported party's answer"), rows=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["clarification"])
        field.queryset = self.case.clarifications.filter(answered_on__isnull=True)


class SummonsForm(StepForm):
    person = forms.CharField(label=_("Person summoned"), max_length=200)
    capacity = forms.CharField(label=_("As"), max_length=100, required=False)
    scheduled_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Where"), max_length=300)


class SummonsAttendanceForm(StepForm):
    summons = forms.ModelChoiceField(label=_("Summons"), queryset=SummonsEntry.objects.none())
    attended = forms.TypedChoiceField(
        label=_("Attended"),
        choices=[("yes", _("Attended")), ("no", _("Did not attend"))],
        coerce=lambda value: value == "yes",
    )
    note = _text(_("Note"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["summons"])
        field.queryset = self.case.summonses.filter(attended__isnull=True)


class MediationForm(StepForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=MediationKind.choices)
    held_on = _date(_("Date"))
    parties = _text(_("Parties present"), rows=2)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MediationOutcome.choices)
    agreement = _text(_("Agreement"), required=False)


class LahpDraftForm(StepForm):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    summary = _text(_("Description of the report"))
    findings = _text(_("Examination results"), rows=5)
    opinion = _text(_("The Ombudsman's opinion"))
    maladministration_types = forms.ModelMultipleChoiceField(
        label=_("Maladministration found"),
        queryset=MaladministrationType.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    substance = forms.ModelChoiceField(
        label=_("Substance category"), queryset=SubstanceCategory.objects.filter(is_active=True)
    )
    corrective_actions = _text(
        _("Corrective actions, one per line (the reported institution carries them out)"),
        required=False,
    )


class ResponseForm(StepForm):
    response = _text(_("The reporter's response"), rows=5)


class CorrectiveDoneForm(StepForm):
    action = forms.ModelChoiceField(
        label=_("Corrective action"), queryset=CorrectiveAction.objects.none()
    )
    evidence = _text(_("Evidence that it was carried out"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["action"])
        field.queryset = CorrectiveAction.objects.filter(
            lahp__case=self.case, lahp__issued_at__isnull=False, done_on__isnull=True
        )


class RecommendationForm(StepForm):
    addressee = forms.CharField(
        label=_("Addressed to (the reported party's superior)"), max_length=300
    )
    content = _text(_("Recommendation"), rows=5)


class RecommendationCloseForm(StepForm):
    outcome = forms.ChoiceField(
        label=_("How it was carried out"), choices=RecommendationOutcome.choices
    )
    follow_up = _text(_("Summary of the follow-up report"))


class AssignForm(StepForm):
    assistant = forms.ModelChoiceField(
        label=_("Assistant"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["assistant"])
        field.queryset = User.objects.filter(
            pk__in=Membership.objects.active()
            .filter(institution_id=self.case.office_id, role=Role.OMBUDSMAN_ASSISTANT)
            .values("user_id")
        )


class HandOverForm(StepForm):
    to_office = forms.ModelChoiceField(
        label=_("To the Ombudsman office"),
        queryset=Institution.objects.filter(
            kind__in=InstitutionKind.ombudsman_kinds(), is_active=True
        ),
    )
    to_unit = forms.ModelChoiceField(
        label=_("Unit of that office"),
        queryset=Unit.objects.filter(
            institution__kind__in=InstitutionKind.ombudsman_kinds(), is_active=True
        ),
        required=False,
    )
    reason = _text(_("Why"))
