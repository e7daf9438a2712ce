from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

register("export.requested", _("An export was requested"))
register("export.downloaded", _("An export file was downloaded"))
register("export.finished", _("An export finished"))
register("import.uploaded", _("A file was uploaded for import"))
register("import.mapped", _("The columns of an import were mapped"))
register("import.checked", _("An import was checked (dry run)"))
register("import.batch_written", _("A batch of imported reports was written"))
register("import.finished", _("An import finished"))
