from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuntas.cases.workflow import CLOSED_STATES, AgencyState
from tuntas.institutions.models import Institution, Unit


class Complexity(models.TextChoices):
    """Resolution tiers (KemenPANRB 2018; domain.md §3.3), each with its deadline policy."""

    SIMPLE = "simple", _("Information request or simple complaint")
    NO_FIELD_CHECK = "no_field_check", _("Dispute or violation without a field check")
    FIELD_CHECK = "field_check", _("Needs a field check")


class AgencyCase(models.Model):
    """A report in the hands of the service provider: who holds it, its state, its deadline."""

    report = models.OneToOneField(
        "complaints.Report", on_delete=models.PROTECT, related_name="agency_case"
    )
    # Custody
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="agency_cases"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="agency_cases"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    # State
    state = models.CharField(
        _("state"), max_length=30, choices=AgencyState.choices, default=AgencyState.RECEIVED
    )
    complexity = models.CharField(
        max_length=20, choices=Complexity.choices, default=Complexity.SIMPLE
    )
    # Optimistic locking: every write names the version it read; a stale one is refused.
    version = models.PositiveIntegerField(default=1)
    # The running stage's clock
    stage = models.CharField(max_length=50, blank=True)
    stage_started_on = models.DateField()
    due_on = models.DateField(null=True, blank=True, db_index=True)
    paused_on = models.DateField(null=True, blank=True)
    remaining_when_paused = models.PositiveIntegerField(null=True, blank=True)
    pauses = models.JSONField(default=list, blank=True)
    calendar_version = models.CharField(max_length=16, blank=True)
    # What the sweep already did for the current due date, so that it never does it twice.
    reminded_for = models.DateField(null=True, blank=True)
    escalated_for = models.DateField(null=True, blank=True)
    # Outcome
    draft_response = models.TextField(blank=True)
    resolution_summary = models.TextField(blank=True)
    rejection_reason = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agency case")
        verbose_name_plural = _("agency cases")
        indexes = [
            models.Index(fields=["institution", "state", "due_on"], name="agencycase_inbox_idx"),
            models.Index(fields=["unit", "state", "due_on"], name="agencycase_unit_inbox_idx"),
            models.Index(fields=["state", "due_on"], name="agencycase_sweep_idx"),
            # The inbox in deadline order: read in index order, stop after one page.
            models.Index(fields=["institution", "due_on"], name="agencycase_inst_due_idx"),
            models.Index(fields=["unit", "due_on"], name="agencycase_unit_due_idx"),
            # ... and newest or oldest first.
            models.Index(fields=["institution", "opened_at"], name="agencycase_inst_opened_idx"),
            models.Index(fields=["unit", "opened_at"], name="agencycase_unit_opened_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=sorted(CLOSED_STATES)) | Q(closed_at__isnull=False),
                name="agencycase_closed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(paused_on__isnull=True) | Q(due_on__isnull=True),
                name="agencycase_paused_has_no_due",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(rejection_reason=""),
                name="agencycase_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["resolved", "confirmed"]) | ~Q(resolution_summary=""),
                name="agencycase_resolution_has_summary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report.public_number} ({self.state})"


class MessageKind(models.TextChoices):
    INTERNAL_NOTE = "internal", _("Internal note")
    TO_REPORTER = "to_reporter", _("Message to the reporter")
    FROM_REPORTER = "from_reporter", _("Message from the reporter")


class CaseMessage(models.Model):
    """Notes between staff are kept apart from what the reporter reads."""

    case = models.ForeignKey(AgencyCase, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=15, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.case_id}"


class CannedResponse(models.Model):
    """A reusable text an institution's staff insert into messages (admin-maintained)."""

    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="canned_responses",
        help_text=_("Leave empty for a text every institution may use."),
    )
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["position", "title", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="cannedresponse_has_title"),
            models.CheckConstraint(condition=~Q(text=""), name="cannedresponse_has_text"),
        ]

    def __str__(self) -> str:
        return self.title


class CaseEvidence(models.Model):
    """A file that shows how a case was resolved (a checked, safe copy in the attachment store)."""

    case = models.ForeignKey(AgencyCase, on_delete=models.PROTECT, related_name="evidence")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    safe_name = models.CharField(max_length=100, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
