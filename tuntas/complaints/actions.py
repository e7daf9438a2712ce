from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

# public=True: shown on the reporter's timeline.
register("report.submitted", _("Report received"), public=True)
register("report.information_added", _("The reporter added information"), public=True)
register("report.withdrawn", _("The reporter withdrew the report"), public=True)
register("report.rated", _("The reporter rated the handling"), public=True)
register("report.disputed", _("The reporter disputed the outcome"), public=True)
register("report.identity_viewed", _("Reporter identity viewed"))
register("report.attachment_added", _("Attachment added"), public=True)
register("report.attachment_refused", _("Attachment refused"))
register("category.created", _("Category created"))
register("category.updated", _("Category changed"))
register("inbound_message.refused", _("Channel message answered without a report"))
register("seed.reports_generated", _("Synthetic reports generated (tuntas seed)"))
