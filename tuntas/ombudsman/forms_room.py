"""The forms of the joint case room and the coordination board. They only parse."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tuntas.complaints.forms import ACCEPT
from tuntas.institutions.models import Institution
from tuntas.ombudsman.models import AgreedAction, OmbudsmanCase


class RoomMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the message.")},
    )


class RoomDocumentForm(forms.Form):
    upload = forms.FileField(
        label=_("Document"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("Photos, PDF or office documents; only a safe copy is kept."),
        error_messages={"required": _("Choose the document to share.")},
    )


class AgreedActionForm(forms.Form):
    description = forms.CharField(
        label=_("What will be done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Describe the action.")},
    )
    owner = forms.ModelChoiceField(
        label=_("Who does it"),
        queryset=Institution.objects.none(),
        error_messages={"required": _("Choose who does it.")},
    )
    due_on = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the deadline."), "invalid": _("Enter a valid date.")},
    )

    def __init__(self, *args: Any, case: OmbudsmanCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = Institution.objects.filter(
            pk__in=[case.office_id, case.report.institution_id]
        ).order_by("name")


class AgreedActionDoneForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence that it was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example the number of the decree, or the name of a shared document."),
        error_messages={"required": _("Describe the evidence that the action was done.")},
    )

    def __init__(self, *args: Any, action: AgreedAction, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"done-{action.pk}")
        super().__init__(*args, **kwargs)
        self.action = action


class PushForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the unit (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, case: OmbudsmanCase, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"push-{case.pk}")
        super().__init__(*args, **kwargs)
        self.case = case


BOARD_SORTS = {
    "age": _("oldest first"),
    "-age": _("newest first"),
    "stage": _("by stage"),
    "due": _("nearest deadline first"),
}


class BoardSortForm(forms.Form):
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=list(BOARD_SORTS.items()))
