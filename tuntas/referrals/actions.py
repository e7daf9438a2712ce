from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

register("referral_peer.created", _("Peer instance added"))
register("referral_peer.updated", _("Peer instance changed"))
# public=True: shown on the reporter's timeline, and sent to webhooks and to the referring instance.
register("referral.sent", _("The report was referred to another institution's system"), public=True)
register(
    "referral.accepted", _("The other institution's system accepted the referral"), public=True
)
register("referral.failed", _("The referral could not be delivered"))
register("referral.retried", _("The referral is being sent again"))
register(
    "referral.received", _("The report was referred from another institution's system"), public=True
)
register("referral.status_received", _("Progress received from the other institution's system"))
register("referral.message_dead_lettered", _("A message to another instance gave up (dead letter)"))
register("referral.message_replayed", _("A message to another instance is sent again"))
