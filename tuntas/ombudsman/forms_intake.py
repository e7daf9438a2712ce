"""Intake forms of the Ombudsman office: a citizen at the counter or on the telephone, an
own-initiative investigation, and an agency case the reporter brings over."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tuntas.complaints.identity import Identity
from tuntas.complaints.models import Category, Channel, IdentityMode
from tuntas.complaints.services_intake import ReportDraft
from tuntas.institutions.models import Institution, Unit
from tuntas.ombudsman.models import RcoCriterion
from tuntas.ombudsman.workflow import Track

CHANNELS = [(Channel.WALK_IN, Channel.WALK_IN.label), (Channel.PHONE, Channel.PHONE.label)]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name_in(get_language() or settings.LANGUAGE_CODE)


class UnitChoiceField(forms.ModelChoiceField):
    """Many partners have a "Dinas Kesehatan": the option names the institution too."""

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.institution.short_name or obj.institution.name})"


class ReportedPartyForm(forms.Form):
    """What every intake names: the reported party (an institution of the office's jurisdiction)."""

    institution = forms.ModelChoiceField(
        label=_("Reported institution"), queryset=Institution.objects.none()
    )
    unit = UnitChoiceField(label=_("Unit (if known)"), queryset=Unit.objects.none(), required=False)
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True)
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 6})
    )
    occurred_on = forms.DateField(
        label=_("When it happened"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(
        label=_("How it came in"), choices=CHANNELS, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institution_field = self.fields["institution"]
        unit_field = self.fields["unit"]
        if isinstance(institution_field, forms.ModelChoiceField):
            institution_field.queryset = institutions
        if isinstance(unit_field, forms.ModelChoiceField):
            unit_field.queryset = Unit.objects.filter(
                institution__in=institutions, is_active=True
            ).select_related("institution")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit, institution = data.get("unit"), data.get("institution")
        if unit is not None and institution is not None and unit.institution_id != institution.pk:
            self.add_error("unit", _("The unit must belong to the chosen institution."))
        return data


class CitizenIntakeForm(ReportedPartyForm):
    identity_mode = forms.ChoiceField(
        label=_("Identity"), choices=IdentityMode.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    nik = forms.CharField(label=_("NIK"), max_length=16, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    complained_before = forms.BooleanField(
        label=_("Already complained to the reported party"), required=False
    )
    consent = forms.BooleanField(
        label=_("The reporter agrees to the privacy notice"), required=False
    )
    track = forms.ChoiceField(label=_("Track"), choices=Track.choices, initial=Track.REGULAR)
    rco_criterion = forms.ChoiceField(
        label=_("Why it is urgent (fast track only)"),
        choices=[("", "—"), *RcoCriterion.choices],
        required=False,
    )

    def draft(self, *, language: str) -> ReportDraft:
        data = self.cleaned_data
        identity = None
        if data["identity_mode"] != IdentityMode.ANONYMOUS:
            identity = Identity(
                name=data["name"],
                nik=data["nik"],
                phone=data["phone"],
                email=data["email"],
                address=data["address"],
            )
        return ReportDraft(
            institution=data["institution"],
            unit=data["unit"],
            category=data["category"],
            title=data["title"],
            description=data["description"],
            identity_mode=data["identity_mode"],
            identity=identity,
            consent=data["consent"],
            occurred_on=data["occurred_on"],
            complained_before=data["complained_before"],
            language=language,
        )


class OfferedCaseForm(forms.Form):
    number = forms.CharField(
        label=_("Report number"),
        max_length=20,
        help_text=_("A report the institution offered to the Ombudsman, e.g. LM-26ABCDEFGH."),
    )
