from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OmbudsmanConfig(AppConfig):
    name = "tuntas.ombudsman"
    label = "ombudsman"
    verbose_name = _("Ombudsman examination")

    def ready(self) -> None:
        from tuntas.ombudsman import actions  # noqa: F401
