from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "tuntas.complaints"
    label = "complaints"
    verbose_name = _("Public reports")

    def ready(self) -> None:
        from tuntas.complaints import actions  # noqa: F401  (registers audit actions)
