"""The officer's form for reports taken at the counter (walk-in) or on the telephone."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tuntas.accounts import access
from tuntas.complaints.identity import Identity
from tuntas.complaints.models import Category, Channel, IdentityMode, ReportStatus, Visibility
from tuntas.complaints.selectors import categories_active
from tuntas.complaints.services_intake import ReportDraft
from tuntas.institutions.models import Institution, Unit

OFFICER_CHANNELS = [(Channel.WALK_IN, Channel.WALK_IN.label), (Channel.PHONE, Channel.PHONE.label)]
DATE_WIDGET = {"type": "date"}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the files themselves are judged by the intake service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.institution.name})"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name_in(get_language() or settings.LANGUAGE_CODE)


class OfficerReportForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How the report came in"), choices=OFFICER_CHANNELS, widget=forms.RadioSelect
    )
    institution = forms.ModelChoiceField(
        label=_("Institution the report is about"), queryset=Institution.objects.none()
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty when the reporter does not know which unit is responsible."),
    )
    category = CategoryChoiceField(label=_("Category"), queryset=Category.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 8})
    )
    occurred_on = forms.DateField(
        label=_("When it happened"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET)
    )
    service_name = forms.CharField(label=_("Service"), max_length=200, required=False)
    address = forms.CharField(
        label=_("Where it happened (address)"), max_length=300, required=False
    )
    kecamatan = forms.CharField(label=_("District (kecamatan)"), max_length=100, required=False)
    kelurahan = forms.CharField(label=_("Village (kelurahan/desa)"), max_length=100, required=False)
    desired_outcome = forms.CharField(
        label=_("What outcome the reporter wants"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    complained_before = forms.BooleanField(
        label=_("The reporter already complained to the unit"), required=False
    )
    complained_on = forms.DateField(
        label=_("When they complained"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET)
    )
    complaint_response = forms.CharField(
        label=_("What the unit answered"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.PRIVATE
    )
    identity_mode = forms.ChoiceField(
        label=_("The reporter's identity"),
        choices=IdentityMode.choices,
        widget=forms.RadioSelect,
        initial=IdentityMode.OPEN,
    )
    name = forms.CharField(label=_("Reporter's name"), max_length=200, required=False)
    nik = forms.CharField(label=_("NIK (identity card number)"), max_length=20, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=30, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    reporter_address = forms.CharField(
        label=_("Reporter's address"), max_length=300, required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I read the privacy notice to the reporter and they agreed that their identity is stored"
        ),
        required=False,
    )
    attachments = MultipleFileField(
        label=_("Documents (scanned letters, photos)"),
        required=False,
        help_text=_("Photos, PDF or office documents; up to %(count)d files.")
        % {"count": settings.ATTACHMENT_MAX_COUNT},
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = (
            access.institutions_visible_to(actor).filter(is_active=True).order_by("name")
        )
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = (
            access.units_visible_to(actor)
            .filter(is_active=True, institution__is_active=True)
            .select_related("institution")
            .order_by("institution__name", "name")
        )
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = categories_active()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        institution, unit = cleaned.get("institution"), cleaned.get("unit")
        if institution is not None and unit is not None and unit.institution_id != institution.pk:
            self.add_error("unit", _("The unit must belong to the chosen institution."))
        return cleaned

    def draft(self, *, uploads: list[UploadedFile]) -> ReportDraft:
        data = self.cleaned_data
        identity = None
        if data["identity_mode"] != IdentityMode.ANONYMOUS:
            identity = Identity(
                name=data["name"].strip(),
                nik=data["nik"].strip(),
                phone=data["phone"].strip(),
                email=data["email"].strip(),
                address=data["reporter_address"].strip(),
            )
        return ReportDraft(
            institution=data["institution"],
            unit=data["unit"],
            category=data["category"],
            title=data["title"],
            description=data["description"],
            occurred_on=data["occurred_on"],
            desired_outcome=data["desired_outcome"],
            service_name=data["service_name"],
            address=data["address"],
            kecamatan=data["kecamatan"],
            kelurahan=data["kelurahan"],
            complained_before=data["complained_before"],
            complained_on=data["complained_on"],
            complaint_response=data["complaint_response"],
            visibility=data["visibility"],
            identity_mode=data["identity_mode"],
            identity=identity,
            consent=data["consent"],
            language=settings.LANGUAGE_CODE,
            uploads=uploads,
        )


class ReportFilterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *Channel.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ReportStatus.choices],
    )
