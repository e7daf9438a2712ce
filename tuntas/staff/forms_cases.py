"""Forms of the officer's workspace: one per step of the agency track, and the inbox filters.

Every step form carries ``expected_version``, the version of the case the officer read, so that
a change by someone else in between is refused (CaseConflict) instead of overwritten.
Text fields that go to the reporter offer the institution's canned responses: choosing one and
pressing "Insert" adds its text to the field (a plain form post; htmx swaps only the form).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tuntas.accounts.access import units_visible_to
from tuntas.accounts.models import Membership, Role, User
from tuntas.cases.filters import DEADLINE_CHOICES, SORT_CHOICES
from tuntas.cases.models import AgencyCase, Complexity
from tuntas.cases.selectors import canned_responses_for, officers_for
from tuntas.cases.workflow import AgencyState
from tuntas.complaints.models import Category, Channel
from tuntas.complaints.selectors import categories_active
from tuntas.institutions.models import Institution, Unit
from tuntas.staff.forms_reports import MultipleFileField

TEXTAREA = {"rows": 5}


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})"


class UnitPathChoiceField(forms.ModelChoiceField):
    """Units shown with their parents, so sub-units (several levels) read clearly."""

    def label_from_instance(self, obj: Unit) -> str:
        names = [obj.name]
        parent = obj.parent
        while parent is not None and len(names) < 5:
            names.append(parent.name)
            parent = parent.parent
        return " › ".join(reversed(names))


class StepForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The text field that takes a canned response, if any.
    canned_target: str | None = None

    def __init__(self, *args: Any, case: AgencyCase, actor: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("expected_version", case.version)
        super().__init__(*args, **kwargs)
        self.case = case
        self.actor = actor
        if self.canned_target:
            self.fields["canned"] = forms.ModelChoiceField(
                label=_("Canned response"),
                queryset=canned_responses_for(case.institution_id),
                required=False,
                empty_label=_("Choose a text to insert"),
            )

    def insert_canned(self) -> None:
        """Bind the form again with the chosen canned text appended to its text field."""
        if self.canned_target is None:
            return
        data = self.data.copy()  # type: ignore[attr-defined]
        canned_id = data.get(self.add_prefix("canned"), "")
        canned = (
            canned_responses_for(self.case.institution_id).filter(pk=canned_id).first()
            if str(canned_id).isdigit()
            else None
        )
        key = self.add_prefix(self.canned_target)
        if canned is not None:
            current = data.get(key, "").rstrip()
            data[key] = f"{current}\n\n{canned.text}" if current else canned.text
        data[self.add_prefix("canned")] = ""
        self.data = data
        self._errors = None


class VerifyForm(StepForm):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(StepForm):
    canned_target = "reason"
    reason = forms.CharField(
        label=_("Reason, as the reporter will read it"), widget=forms.Textarea(attrs=TEXTAREA)
    )


class RequestInformationForm(StepForm):
    canned_target = "question"
    question = forms.CharField(
        label=_("What the reporter should add"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The deadline pauses until the reporter answers."),
    )


class DispositionForm(StepForm):
    unit = UnitPathChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    complexity = forms.ChoiceField(
        label=_("Complexity (sets the resolution deadline)"),
        choices=Complexity.choices,
        required=False,
    )
    note = forms.CharField(
        label=_("Instruction to the unit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units_of(
            self.case.institution_id
        )
        self.fields["complexity"].initial = self.case.complexity


def units_of(institution_id: int) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(institution_id=institution_id, is_active=True)
        .select_related("parent__parent__parent")
        .order_by("name", "pk")
    )


class AssignForm(StepForm):
    officer = OfficerChoiceField(label=_("Officer"), queryset=officers_for(0))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["officer"]).queryset = officers_for(
            self.case.institution_id
        )


class DraftResponseForm(StepForm):
    canned_target = "text"
    text = forms.CharField(
        label=_("Response to the reporter"), widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].initial = self.case.draft_response


class SubmitForApprovalForm(StepForm):
    pass


class ReturnForRevisionForm(StepForm):
    note = forms.CharField(
        label=_("What to revise"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResolveForm(StepForm):
    canned_target = "summary"
    summary = forms.CharField(
        label=_("How the report was resolved, as the reporter will read it"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    evidence = MultipleFileField(
        label=_("Evidence (photos, letters)"),
        required=False,
        help_text=lazy(
            lambda: (
                str(_("Photos, PDF or office documents; up to %(count)d files."))
                % {"count": settings.ATTACHMENT_MAX_COUNT}
            ),
            str,
        )(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["summary"].initial = self.case.draft_response


class ApproveForm(StepForm):
    summary = forms.CharField(
        label=_("Approved response, as the reporter will read it"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["summary"].initial = self.case.draft_response


class TransferForm(StepForm):
    to_institution = forms.ModelChoiceField(
        label=_("Institution that should handle the report"), queryset=Institution.objects.none()
    )
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to_institution"]).queryset = (
            Institution.objects.filter(is_active=True)
            .exclude(pk=self.case.institution_id)
            .order_by("name")
        )


class EscalateForm(StepForm):
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))


class OfferToOmbudsmanForm(StepForm):
    pass


class NoteForm(StepForm):
    text = forms.CharField(
        label=_("Internal note (never shown to the reporter)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessageForm(StepForm):
    canned_target = "text"
    text = forms.CharField(
        label=_("Message to the reporter"), widget=forms.Textarea(attrs=TEXTAREA)
    )


# --- The inbox ------------------------------------------------------------------------------


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name_in(get_language() or settings.LANGUAGE_CODE)


class InboxFilterForm(forms.Form):
    """Renders the filters; the values are read by tuntas.cases.filters.case_filter_from_query."""

    state = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All open reports")), *AgencyState.choices],
    )
    category = CategoryChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.none(),
        empty_label=_("All categories"),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices]
    )
    deadline = forms.ChoiceField(label=_("Deadline"), required=False, choices=DEADLINE_CHOICES)
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=Unit.objects.none(), empty_label=_("All units")
    )
    number = forms.CharField(label=_("Report number"), required=False, max_length=20)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = categories_active()
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = (
            units_visible_to(actor).filter(is_active=True).order_by("name", "pk")
        )


BULK_ACTIONS = (
    ("assign", _("Assign to an officer")),
    ("disposition", _("Assign to a unit")),
    ("verify", _("Verify")),
)


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action for the selected reports"), choices=BULK_ACTIONS)
    officer = OfficerChoiceField(
        label=_("Officer"), required=False, queryset=officers_for(0), empty_label="—"
    )
    unit = UnitPathChoiceField(
        label=_("Unit"), required=False, queryset=Unit.objects.none(), empty_label="—"
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_visible_to(actor).filter(is_active=True)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units.select_related(
            "parent__parent__parent"
        ).order_by("name", "pk")
        institution_ids = set(units.values_list("institution_id", flat=True))
        cast(forms.ModelChoiceField, self.fields["officer"]).queryset = User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active()
            .filter(institution_id__in=institution_ids, role__in=[Role.OFFICER, Role.HEAD])
            .values("user_id"),
        ).order_by("full_name", "pk")

    def _selected(self) -> list[tuple[str, int]] | None:
        """The ticked reports as (number, version read); None when a value was damaged."""
        pairs = []
        for raw in self.data.getlist("selected") if hasattr(self.data, "getlist") else []:
            number, _sep, version = raw.partition(":")
            if not number or not version.isdigit():
                return None
            pairs.append((number, int(version)))
        return pairs

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        selected = self._selected()
        if selected is None:
            self.add_error(None, _("The selection was damaged; select the reports again."))
        elif not selected:
            self.add_error(None, _("Select at least one report."))
        cleaned["selected"] = selected or []
        action = cleaned.get("action")
        if action == "assign" and not cleaned.get("officer"):
            self.add_error("officer", _("Choose the officer."))
        if action == "disposition" and not cleaned.get("unit"):
            self.add_error("unit", _("Choose the unit."))
        return cleaned
