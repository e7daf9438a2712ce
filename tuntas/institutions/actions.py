from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

register("institution.created", _("Institution created"))
register("institution.updated", _("Institution details changed"))
register("unit.created", _("Unit created"))
register("unit.updated", _("Unit details changed"))
register("service_point.created", _("Service point created"))
register("partnership.created", _("Partnership recorded"))
register("partnership.party_added", _("Party added to a partnership"))
