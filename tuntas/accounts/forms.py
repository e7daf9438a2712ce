from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "The e-mail address or password is not correct. Check both and try again."
        ),
        "inactive": _(
            "This account has been deactivated. Contact your institution's administrator."
        ),
        "demo_disabled": _("Demo accounts cannot sign in on this server."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if getattr(user, "is_demo", False) and not settings.TUNTAS_ALLOW_DEMO_LOGIN:
            raise forms.ValidationError(self.error_messages["demo_disabled"], code="demo_disabled")
