from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tuntas.cases"
    label = "cases"
    verbose_name = _("Case handling")

    def ready(self) -> None:
        from tuntas.cases import actions  # noqa: F401
