from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

register("case.opened", _("Handling started"), public=True)
register("case.verify", _("The report was verified"), public=True)
register("case.reject", _("The report was rejected"), public=True)
register("case.request_information", _("The unit asked the reporter for information"), public=True)
register("case.information_received", _("The reporter's answer was received"), public=True)
register("case.disposition", _("The report was assigned to a unit"), public=True)
register("case.draft_response", _("A response is being prepared"))
register("case.submit_for_approval", _("The response was submitted for approval"))
register("case.return_for_revision", _("The response was returned for revision"))
register("case.resolve", _("The report was resolved"), public=True)
register("case.confirm", _("The reporter confirmed the resolution"), public=True)
register("case.dispute", _("The reporter disputed the resolution"), public=True)
register("case.escalate", _("The report was escalated to the head of the institution"), public=True)
register("case.offer_to_ombudsman", _("The report was offered to the Ombudsman"), public=True)
register("case.refer_to_ombudsman", _("The reporter took the report to the Ombudsman"), public=True)
register("case.transfer", _("The report was transferred to another institution"), public=True)
register(
    "case.transfer_received", _("The report was received from another institution"), public=True
)
register("case.withdraw", _("The reporter withdrew the report"), public=True)
register("case.assigned", _("An officer was assigned"))
register("case.note_added", _("Internal note added"))
register("case.message_sent", _("Message sent to the reporter"), public=True)
register("case.reminder_sent", _("Deadline reminder sent"))
register("case.evidence_added", _("Evidence of the resolution attached"))
register("case.canned_response_created", _("Canned response created"))
register("case.canned_response_changed", _("Canned response changed"))
