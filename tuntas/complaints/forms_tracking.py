"""The reporter's forms on a report's own page: look-up, adding information, withdrawal,
confirming or disputing the resolution, rating the handling."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy

from tuntas.complaints.forms import ACCEPT, MultipleFileField, MultipleFileInput


class TrackingForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Report number"),
        max_length=40,
        help_text=gettext_lazy("For example LM-26K4QJ-7XTM. Small letters and spaces are fine."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    access_code = forms.CharField(
        label=gettext_lazy("Access code"),
        max_length=40,
        help_text=gettext_lazy(
            "The 16 characters you received with the report, for example ABCD-EFGH-JKMN-PQRS."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What do you want to add?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Attach files (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text=gettext_lazy("Photos, PDF or office documents; at most %(mb)d MB each."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = str(self.fields["attachments"].help_text) % {
            "mb": int(settings.ATTACHMENT_MAX_BYTES) // 2**20
        }


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you withdraw the report? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: “the problem was solved”."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, withdraw my report. I understand that this cannot be undone."),
        error_messages={"required": gettext_lazy("Tick the box to confirm the withdrawal.")},
    )


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is still wrong?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "For example: “the road was patched, but the hole opened again after a week”."
        ),
        error_messages={"required": gettext_lazy("Tell the unit what is still wrong.")},
    )


class ConfirmForm(forms.Form):
    """Only the button: the reporter accepts the resolution."""


RATING_CHOICES = [
    ("1", gettext_lazy("1 — very dissatisfied")),
    ("2", gettext_lazy("2 — dissatisfied")),
    ("3", gettext_lazy("3 — neither satisfied nor dissatisfied")),
    ("4", gettext_lazy("4 — satisfied")),
    ("5", gettext_lazy("5 — very satisfied")),
]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with how your report was handled?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose a score from 1 to 5."),
            "invalid_choice": gettext_lazy("Choose a score from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything you want to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
