from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

register("user.created", _("Account created"))
register("user.deactivated", _("Account deactivated"))
register("user.password_changed", _("Password changed"))
register("membership.granted", _("Role granted"))
register("membership.revoked", _("Role revoked"))
register("auth.logged_in", _("Signed in"))
register("auth.logged_out", _("Signed out"))
register("auth.login_failed", _("Failed sign-in attempt"))
register("auth.locked_out", _("Sign-in locked after repeated failures"))
