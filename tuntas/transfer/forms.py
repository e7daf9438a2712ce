from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuntas.cases.filters import DEADLINE_CHOICES, SORT_CHOICES
from tuntas.cases.workflow import AgencyState
from tuntas.complaints.models import Category, Channel
from tuntas.institutions.models import Institution
from tuntas.ombudsman.workflow import OmbudsmanState, Track
from tuntas.transfer.fields import FIELDS
from tuntas.transfer.models import ExportFormat

# The filter fields carry the inbox's query parameter names (tuntas.cases.filters), so that a
# link from the inbox with its query string opens this form with the same filters.
FILTER_NAMES = (
    "state",
    "category",
    "channel",
    "deadline",
    "received_from",
    "received_until",
    "number",
    "sort",
)


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=ExportFormat.choices, initial=ExportFormat.CSV
    )
    include_personal = forms.BooleanField(
        label=_("Include the reporter's identity where my role allows it"),
        required=False,
        help_text=_(
            "Open identities for everyone who may see the report; confidential ones only for the "
            "privacy officer and the Ombudsman. Anonymous reports have none. The export is recorded."
        ),
    )
    state = forms.MultipleChoiceField(label=_("State"), choices=AgencyState.choices, required=False)
    category = forms.ModelMultipleChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False
    )
    channel = forms.MultipleChoiceField(label=_("Channel"), choices=Channel.choices, required=False)
    deadline = forms.ChoiceField(label=_("Deadline"), choices=DEADLINE_CHOICES, required=False)
    received_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_until = forms.DateField(
        label=_("Received until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    number = forms.CharField(label=_("Report number"), max_length=20, required=False)
    sort = forms.ChoiceField(label=_("Order"), choices=SORT_CHOICES, required=False)


class OmbudsmanExportForm(forms.Form):
    """The Ombudsman list's filters (same parameter names), with the file's format."""

    format = forms.ChoiceField(
        label=_("Format"), choices=ExportFormat.choices, initial=ExportFormat.CSV
    )
    include_personal = ExportForm.base_fields["include_personal"]
    state = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("Every open stage")), *OmbudsmanState.choices],
    )
    track = forms.ChoiceField(
        label=_("Track"), required=False, choices=[("", _("All tracks")), *Track.choices]
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Overdue")), ("week", _("Due within 7 days"))],
    )
    mine = forms.BooleanField(label=_("Only cases assigned to me"), required=False)


class ImportUploadForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Import into"), queryset=Institution.objects.none()
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("The first row must name the columns. Dates such as 2024-03-17 or 17/03/2024."),
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class MappingForm(forms.Form):
    """One choice per field: which column of the file holds it."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [("", _("— not in the file —")), *((header, header) for header in headers)]
        for item in FIELDS:
            self.fields[item.name] = forms.ChoiceField(
                label=str(item.label), choices=options, required=False
            )
            self.fields[item.name].required_field = item.required  # type: ignore[attr-defined]
