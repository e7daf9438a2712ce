from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "tuntas.sla"
    label = "sla"
    verbose_name = _("Working days and deadlines")

    def ready(self) -> None:
        from tuntas.sla import actions  # noqa: F401
