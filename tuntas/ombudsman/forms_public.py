"""The reporter's forms on the Ombudsman track (public, no login). They only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tuntas.complaints.forms import ACCEPT, MultipleFileField, MultipleFileInput


class LahpResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your response to the draft final report"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Say what you agree or disagree with, and why. Evidence you mention can be added to the report."
        ),
        error_messages={"required": _("Write your response.")},
    )


class CompletenessForm(forms.Form):
    text = forms.CharField(
        label=_("What are you sending?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(
        label=_("Attach the documents"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text=_("Photos, PDF or office documents; at most %(mb)d MB each."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = str(self.fields["attachments"].help_text) % {
            "mb": int(settings.ATTACHMENT_MAX_BYTES) // 2**20
        }


class TakeToOmbudsmanForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, send my report and its history to the Ombudsman."),
        error_messages={"required": _("Tick the box to send the report to the Ombudsman.")},
    )


class OmbudsmanWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the report? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_(
            "Yes, withdraw my report from the Ombudsman. I understand that this cannot be undone."
        ),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )
