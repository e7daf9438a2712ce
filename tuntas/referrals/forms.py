from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuntas.institutions.models import Institution
from tuntas.referrals.models import Peer


class ReferralForm(forms.Form):
    peer = forms.ModelChoiceField(
        label=_("Refer to"), queryset=Peer.objects.none(), empty_label=None
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Sent to the other institution with the report."),
    )

    def __init__(self, *args: Any, peers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peer"].queryset = peers if peers is not None else Peer.objects.none()  # type: ignore[attr-defined]


class PeerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("The peer's id here"),
        max_length=80,
        help_text=_("How the other instance names itself when it calls this one."),
    )
    base_url = forms.URLField(label=_("Base URL"), max_length=300, assume_scheme="https")
    our_id = forms.SlugField(
        label=_("Our id at the peer"),
        max_length=80,
        help_text=_("How this instance names itself when it calls the other one."),
    )
    secret = forms.CharField(
        label=_("Shared secret"),
        min_length=32,
        max_length=200,
        widget=forms.PasswordInput(render_value=True),
        help_text=_("The same secret, at least 32 characters, is entered on both instances."),
    )
    institution = forms.ModelChoiceField(
        label=_("Receiving institution"), queryset=Institution.objects.filter(is_active=True)
    )
    is_ombudsman = forms.BooleanField(
        label=_("The other instance is an Ombudsman office's"), required=False
    )
