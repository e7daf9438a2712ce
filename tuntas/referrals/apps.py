from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "tuntas.referrals"
    label = "referrals"
    verbose_name = _("Referrals between instances")

    def ready(self) -> None:
        from tuntas.referrals import actions  # noqa: F401
