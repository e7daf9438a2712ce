"""Export and import jobs: what was asked, how far the worker got, where the file is."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuntas.institutions.models import Institution
from tuntas.transfer.workflow import ImportState, JobState


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (comma-separated values)")
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    JSON = "json", _("JSON")


class ExportKind(models.TextChoices):
    CASES = "cases", _("Cases of the institutions (the inbox)")
    OMBUDSMAN = "ombudsman", _("Ombudsman cases (the Ombudsman's list)")


class ExportJob(models.Model):
    """An export run by the worker; its file lives under VAR_DIR, outside the web root."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs"
    )
    format = models.CharField(_("format"), max_length=5, choices=ExportFormat.choices)
    kind = models.CharField(
        _("what is exported"), max_length=10, choices=ExportKind.choices, default=ExportKind.CASES
    )
    query = models.JSONField(default=dict)  # the list's filter query parameters
    filter_today = models.DateField()  # "overdue" and "due soon" are relative to this day
    include_personal = models.BooleanField(_("include the reporter's identity"), default=False)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    total = models.PositiveIntegerField(null=True, blank=True)
    rows_written = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=JobState.DONE) | ~Q(file_name=""),
                name="exportjob_done_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.state})"


class ImportJob(models.Model):
    """An uploaded file of historical complaints, mapped, checked and imported in batches."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="import_jobs"
    )
    original_name = models.CharField(max_length=255)
    file_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=5)  # csv or xlsx
    encoding = models.CharField(max_length=20, blank=True)
    headers = models.JSONField(default=list)
    header_key = models.CharField(max_length=64, db_index=True)  # remembers mappings
    mapping = models.JSONField(default=dict)  # field → column header
    state = models.CharField(
        max_length=10, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    batch_size = models.PositiveIntegerField(default=5000)  # rows per transaction
    rows_total = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)  # already imported (same external id)
    rows_failed = models.PositiveIntegerField(default=0)  # in batches that were not written
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # the first errors: {row, column, message}
    failure = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"import {self.pk} ({self.state})"
