from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class RoleAwareMinimumLengthValidator:
    """Staff accounts need ≥ 12 characters (BSSN 4/2021); citizen accounts ≥ 8."""

    def _minimum(self, user: Any) -> int:
        if user is not None and getattr(user, "kind", "staff") == "citizen":
            return int(settings.CITIZEN_PASSWORD_MIN_LENGTH)
        return int(settings.STAFF_PASSWORD_MIN_LENGTH)

    def validate(self, password: str, user: Any = None) -> None:
        minimum = self._minimum(user)
        if len(password) < minimum:
            raise ValidationError(
                ngettext(
                    "This password is too short. It must contain at least %(min_length)d character.",
                    "This password is too short. It must contain at least %(min_length)d characters.",
                    minimum,
                ),
                code="password_too_short",
                params={"min_length": minimum},
            )

    def get_help_text(self) -> str:
        return _(
            "Staff passwords need at least %(staff)d characters, citizen passwords %(citizen)d."
        ) % {
            "staff": settings.STAFF_PASSWORD_MIN_LENGTH,
            "citizen": settings.CITIZEN_PASSWORD_MIN_LENGTH,
        }
