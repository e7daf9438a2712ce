from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "tuntas.exchange"
    label = "exchange"
    verbose_name = _("Data exchange")

    def ready(self) -> None:
        from tuntas.exchange import actions  # noqa: F401  (registers audit actions)
