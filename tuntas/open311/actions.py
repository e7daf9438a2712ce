from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

register("open311.token_issued", _("Open311 request token issued"))
