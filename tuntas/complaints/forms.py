"""The citizen's forms: the report, the tracking look-up, adding information, withdrawing.

The report form repeats the service's checks so that mistakes are shown at the first step,
next to the field, with the same messages; ``report_submit`` stays the authority and its
``ValidationError`` is mapped back onto these fields if it still disagrees.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tuntas.complaints.identity import Identity
from tuntas.complaints.models import Category, IdentityMode, Visibility
from tuntas.complaints.nik import validate_nik
from tuntas.complaints.selectors_directory import (
    InstitutionChoice,
    directory_for_reports,
    institution_choices_for_reports,
)
from tuntas.complaints.services_intake import ReportDraft, report_is_past_ombudsman_time_limit
from tuntas.institutions.models import Institution, Unit

# What the file picker offers; the server still judges every file by its content.
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.txt"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]

# Plain words under each identity choice (UU 37/2008 Pasal 24(1)(a) and 24(2)).
IDENTITY_MODE_HINTS = {
    IdentityMode.OPEN: gettext_lazy(
        "The unit that handles the report sees your name and contact details, so it can call "
        "you back. This is the usual choice."
    ),
    IdentityMode.CONFIDENTIAL: gettext_lazy(
        "Your identity is stored encrypted. The unit sees only “Reporter withheld”; only "
        "the privacy officer and the Ombudsman can open it. Choose this if you fear retaliation."
    ),
    IdentityMode.ANONYMOUS: gettext_lazy(
        "Nothing about you is stored, even if you type it below. The unit can still act on the "
        "report, but the Ombudsman cannot take an anonymous report formally: a formal Ombudsman "
        "report needs your identity. You follow the report only with its number and access code."
    ),
}
VISIBILITY_HINTS = {
    Visibility.PRIVATE: gettext_lazy("Only the people handling the report read it."),
    Visibility.PUBLIC: gettext_lazy(
        "A version without your identity may be published, so that others see what was reported "
        "and how it was resolved."
    ),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the view judges and stages each file itself."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        return data or []


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    # What happened
    title = forms.CharField(
        label=gettext_lazy("Title: what is the problem, in a few words"),
        max_length=200,
        error_messages={"required": gettext_lazy("Give the report a short title.")},
        help_text=gettext_lazy("For example: “The health centre refused my BPJS card”."),
    )
    description = forms.CharField(
        label=gettext_lazy("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": gettext_lazy("Describe what happened in at least 20 characters.")
        },
        help_text=gettext_lazy(
            "Tell it in order: what happened, who was involved and what it caused you. Do not "
            "write your NIK or other people's personal data here."
        ),
    )
    occurred_on = forms.DateField(
        label=gettext_lazy("When it happened"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=_date_widget(),
        help_text=gettext_lazy(
            "The Ombudsman takes formally only events less than two years old; older reports "
            "are still received and passed to the unit."
        ),
    )
    # Where
    institution_q = forms.CharField(
        label=gettext_lazy("Search the institution"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "A town, an office or a service, for example “Magelang” or “puskesmas”."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    institution = forms.ChoiceField(
        label=gettext_lazy("Institution"),
        error_messages={
            "required": gettext_lazy("Choose the institution from the list."),
            "invalid_choice": gettext_lazy("Choose the institution from the list."),
        },
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Unit or office"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("The unit must belong to the chosen institution.")
        },
    )
    service_name = forms.CharField(
        label=gettext_lazy("Which service"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For example: “birth certificate”, “BPJS registration”."),
    )
    address = forms.CharField(
        label=gettext_lazy("Address of the place (optional)"), max_length=300, required=False
    )
    kecamatan = forms.CharField(
        label=gettext_lazy("District (kecamatan)"), max_length=100, required=False
    )
    kelurahan = forms.CharField(
        label=gettext_lazy("Village (kelurahan/desa)"), max_length=100, required=False
    )
    latitude = forms.DecimalField(
        label=gettext_lazy("Latitude (optional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=gettext_lazy("From your phone's map, for example -7.4797."),
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("Longitude (optional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=gettext_lazy("For example 110.2177."),
    )
    # Choices and the cleaned Category come from the directory snapshot, like the institution's.
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        error_messages={
            "required": gettext_lazy("Choose a category from the list."),
            "invalid_choice": gettext_lazy("Choose a category from the list."),
        },
    )
    desired_outcome = forms.CharField(
        label=gettext_lazy("What outcome do you want"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: “that my mother is served with her BPJS card”."),
    )
    # Earlier complaint to the unit (UU 37/2008 Pasal 24(1)(c))
    complained_before = forms.BooleanField(
        label=gettext_lazy("I already complained to the unit itself"), required=False
    )
    complained_on = forms.DateField(
        label=gettext_lazy("When you complained"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=_date_widget(),
    )
    complaint_response = forms.CharField(
        label=gettext_lazy("What the unit answered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "If you have its letter or a photo of your complaint, attach it below as evidence."
        ),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Attach files (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text=gettext_lazy(
            "Photos (JPEG, PNG, WebP), PDF or office documents; up to %(count)d files of at most "
            "%(mb)d MB each."
        ),
    )
    # Who
    identity_mode = forms.ChoiceField(
        label=gettext_lazy("How should we handle your identity?"),
        choices=IdentityMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose how your identity is handled."),
            "invalid_choice": gettext_lazy("Choose how your identity is handled."),
        },
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who may read the report?"),
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose whether the report is private or public."),
            "invalid_choice": gettext_lazy("Choose whether the report is private or public."),
        },
    )
    name = forms.CharField(
        label=gettext_lazy("Your full name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    nik = forms.CharField(
        label=gettext_lazy("NIK (16-digit population number, optional)"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=gettext_lazy("The Ombudsman needs it for a formal report."),
    )
    phone = forms.CharField(
        label=gettext_lazy("Telephone or WhatsApp number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail address (optional)"),
        max_length=254,
        required=False,
        help_text=gettext_lazy("We send the report number and the access code there."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    reporter_address = forms.CharField(
        label=gettext_lazy("Your address (optional)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I have read the privacy notice and agree that my identity is stored for handling "
            "this report."
        ),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "privacy-notice"}),
    )

    def __init__(self, *args: Any, today: datetime.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.past_time_limit = False
        for name in ("occurred_on", "complained_on"):
            self.fields[name].widget.attrs["max"] = self.today.isoformat()
        self.fields["attachments"].help_text = str(self.fields["attachments"].help_text) % {
            "count": int(settings.ATTACHMENT_MAX_COUNT),
            "mb": int(settings.ATTACHMENT_MAX_BYTES) // 2**20,
        }
        self.directory = directory_for_reports()
        query = self._raw("institution_q").strip()
        self.institution_choices = (
            institution_choices_for_reports(query)
            if query
            else self.directory.institution_choices()
        )
        selected = self.selected_institution()
        if selected is not None and selected.pk not in {i.pk for i in self.institution_choices}:
            # A search never drops the choice made.
            self.institution_choices.insert(
                0, InstitutionChoice(selected.pk, selected.name, selected.slug, selected.kind)
            )
        cast(forms.ChoiceField, self.fields["institution"]).choices = self._institution_choices()
        cast(forms.ChoiceField, self.fields["unit"]).choices = self._unit_choices(selected)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("Choose a category")),
            *self.directory.category_choices(get_language() or "id"),
        ]
        # htmx, when present: refresh the units on a change, narrow the list while typing.
        self.fields["institution"].widget.attrs.update(
            {
                "hx-get": reverse("report:units"),
                "hx-trigger": "change",
                "hx-target": "#unit-field",
            }
        )
        self.fields["institution_q"].widget.attrs.update(
            {
                "hx-get": reverse("report:institutions"),
                "hx-trigger": "input changed delay:400ms, search",
                "hx-target": "#institution-select",
                "hx-include": "#id_institution",
            }
        )

    def _raw(self, name: str) -> str:
        source = self.data if self.is_bound else self.initial
        value = source.get(name, "") if source is not None else ""
        return str(value or "")

    def selected_institution(self) -> Institution | None:
        raw = self._raw("institution")
        return self.directory.institution(int(raw)) if raw.isdigit() else None

    def _institution_choices(self) -> list[Any]:
        groups: dict[str, list[tuple[str, str]]] = {}
        for institution in self.institution_choices:
            groups.setdefault(institution.kind_label, []).append(
                (str(institution.pk), institution.name)
            )
        return [("", _("Choose the institution")), *groups.items()]

    def _unit_choices(self, institution: Institution | None) -> list[tuple[str, str]]:
        if institution is None:
            return [("", _("Choose the institution first"))]
        choices = [("", _("I do not know / the institution as a whole"))]
        for pk, name, depth in self.directory.unit_choices(institution.pk):
            choices.append((str(pk), "— " * depth + name))
        return choices

    def _chosen(self, name: str, read: Any, refusal: str) -> Any:
        """The snapshot's row for the id posted in ``name``, or the field's refusal."""
        value = self.cleaned_data[name]
        chosen = read(int(value)) if value.isdigit() else None
        if chosen is None:
            raise ValidationError(refusal)
        return chosen

    def clean_institution(self) -> Institution:
        return self._chosen(
            "institution", self.directory.institution, _("Choose the institution from the list.")
        )

    def clean_category(self) -> Category:
        return self._chosen(
            "category", self.directory.category_by_pk, _("Choose a category from the list.")
        )

    def clean_unit(self) -> Unit | None:
        value = self.cleaned_data.get("unit") or ""
        return self.directory.unit(int(value)) if value.isdigit() else None

    def clean_description(self) -> str:
        description = str(self.cleaned_data["description"])
        if len(description.strip()) < 20:
            raise ValidationError(_("Describe what happened in at least 20 characters."))
        return description

    def clean_occurred_on(self) -> datetime.date | None:
        return self._not_in_future("occurred_on")

    def clean_complained_on(self) -> datetime.date | None:
        return self._not_in_future("complained_on")

    def _not_in_future(self, name: str) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get(name)
        if value is not None and value > self.today:
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        institution, unit = data.get("institution"), data.get("unit")
        if institution is not None and unit is not None and unit.institution_id != institution.pk:
            self.add_error("unit", _("The unit must belong to the chosen institution."))
        if data.get("complained_on") and not data.get("complained_before"):
            self.add_error(
                "complained_on", _("Give a date only if you already complained to the unit.")
            )
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("latitude", _("A map pin needs both latitude and longitude."))
        mode = data.get("identity_mode")
        if mode in (IdentityMode.OPEN, IdentityMode.CONFIDENTIAL):
            if not str(data.get("name") or "").strip():
                self.add_error("name", _("Give your name, or choose to report anonymously."))
            if not data.get("consent"):
                self.add_error(
                    "consent",
                    _("Agree to the privacy notice so that we may store your identity."),
                )
            if data.get("nik"):
                try:
                    data["nik"] = validate_nik(str(data["nik"]), today=self.today)
                except ValidationError as error:
                    self.add_error("nik", error.messages[0])
        self.past_time_limit = report_is_past_ombudsman_time_limit(
            occurred_on=data.get("occurred_on"), today=self.today
        )
        return data

    def draft(self, *, language: str) -> ReportDraft:
        """The cleaned form as the service's draft; files are added by the caller."""
        data = self.cleaned_data
        anonymous = data["identity_mode"] == IdentityMode.ANONYMOUS
        identity = (
            None
            if anonymous
            else Identity(
                name=str(data.get("name") or "").strip(),
                nik=str(data.get("nik") or ""),
                phone=str(data.get("phone") or "").strip(),
                email=str(data.get("email") or "").strip(),
                address=str(data.get("reporter_address") or "").strip(),
            )
        )
        return ReportDraft(
            institution=data["institution"],
            unit=data.get("unit"),
            category=data["category"],
            title=data["title"],
            description=data["description"],
            identity_mode=data["identity_mode"],
            occurred_on=data.get("occurred_on"),
            desired_outcome=data.get("desired_outcome") or "",
            service_name=data.get("service_name") or "",
            address=data.get("address") or "",
            kecamatan=data.get("kecamatan") or "",
            kelurahan=data.get("kelurahan") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            complained_before=bool(data.get("complained_before")),
            complained_on=data.get("complained_on"),
            complaint_response=data.get("complaint_response") or "",
            visibility=data.get("visibility") or Visibility.PRIVATE,
            identity=identity,
            consent=bool(data.get("consent")) and not anonymous,
            language=language,
        )

    def identity_mode_options(self) -> list[dict[str, Any]]:
        return _radio_options(self, "identity_mode", IdentityMode.choices, IDENTITY_MODE_HINTS)

    def visibility_options(self) -> list[dict[str, Any]]:
        return _radio_options(self, "visibility", Visibility.choices, VISIBILITY_HINTS)


def _radio_options(
    form: forms.Form, name: str, choices: list[tuple[str, Any]], hints: dict[Any, Any]
) -> list[dict[str, Any]]:
    bound = form[name]
    current = str(bound.value() or "")
    return [
        {
            "value": value,
            "label": label,
            "hint": hints.get(value, ""),
            "id": f"{bound.auto_id}_{index}",
            "checked": value == current,
        }
        for index, (value, label) in enumerate(choices)
    ]


# --- Citizen account ------------------------------------------------------------------------


class CitizenSignupForm(forms.Form):
    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least %(min)d characters; a few words you remember work well."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = str(self.fields["password"].help_text) % {
            "min": int(settings.CITIZEN_PASSWORD_MIN_LENGTH)
        }
