from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

register("webhook.subscription_created", _("Webhook subscription created"))
register("webhook.subscription_updated", _("Webhook subscription changed"))
register("webhook.secret_rotated", _("Webhook signing secret rotated"))
register("webhook.dead_lettered", _("Webhook delivery gave up (dead letter)"))
register("webhook.delivery_replayed", _("Webhook dead letter replayed"))
