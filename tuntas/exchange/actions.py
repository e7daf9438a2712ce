from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

register("api_client.created", _("API client created"))
register("api_client.rotated", _("API client key rotated"))
register("api_client.limits_changed", _("API client limits changed"))
register("api_client.revoked", _("API client revoked"))
register("api.report_submitted", _("Report received from a channel system"))
