from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

register("notification.queued", _("Notification queued"))
register("notification.failed", _("Notification could not be delivered"))
