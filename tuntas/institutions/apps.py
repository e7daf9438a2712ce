from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "tuntas.institutions"
    label = "institutions"
    verbose_name = _("Institutions")

    def ready(self) -> None:
        from tuntas.institutions import actions  # noqa: F401  (registers audit actions)
