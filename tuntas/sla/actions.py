from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

register("holiday.imported", _("Holidays imported"))
register("holiday.added", _("Holiday added"))
register("holiday.changed", _("Holiday changed"))
register("holiday.confirmed", _("Holidays confirmed"))
