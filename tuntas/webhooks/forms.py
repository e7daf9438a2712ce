from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tuntas.audit import registry
from tuntas.exchange.models import ApiClient


def _event_choices() -> list[tuple[str, str]]:
    # The code too: two actions may read alike ("case.withdraw", "report.withdrawn").
    return [
        (action.name, f"{action.label} ({action.name})")
        for action in registry.all_actions()
        if action.public
    ]


class SubscriptionForm(forms.Form):
    client = forms.ModelChoiceField(
        label=_("API client"), queryset=ApiClient.objects.none(), empty_label=None
    )
    target_url = forms.URLField(
        label=_("Receiver address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Events are sent here as signed JSON (POST)."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Event types"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to receive every public event."),
    )

    def __init__(self, *args: Any, clients: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["client"])
        field.queryset = clients if clients is not None else ApiClient.objects.none()
        self.fields["event_types"].choices = _event_choices()  # type: ignore[attr-defined,unused-ignore]


class SubscriptionEditForm(forms.Form):
    target_url = SubscriptionForm.base_fields["target_url"]
    event_types = SubscriptionForm.base_fields["event_types"]
    is_active = forms.BooleanField(label=_("Active"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = _event_choices()  # type: ignore[attr-defined,unused-ignore]
