from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "tuntas.transfer"
    label = "transfer"
    verbose_name = _("Export and import")

    def ready(self) -> None:
        from tuntas.transfer import actions  # noqa: F401
