"""The Ombudsman track of a report: the case, its custody and clock, and the reference lists.

The examination records (models_exam), the outcome (models_outcome), the letters
(models_letters) and the joint case room (models_room) live beside it, one module per concept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuntas.institutions.models import Institution, Unit
from tuntas.ombudsman.workflow import CLOSED_STATES, OmbudsmanState, Source, Track


class RcoCriterion(models.TextChoices):
    """PO 26/2017 Pasal 26–27 (domain.md §1.11)."""

    EMERGENCY = "kondisi_darurat", _("Emergency (kondisi darurat)")
    THREAT_TO_LIFE = "keselamatan_jiwa", _("Threat to life or safety")
    THREAT_TO_LIVELIHOOD = "hak_hidup", _("Threat to the right to a living")


class ClosureReason(models.TextChoices):
    FORMAL_NOT_MET = "formal_not_met", _("The formal requirements were not met")
    COMPLETENESS_LAPSED = "completeness_lapsed", _("The missing documents did not arrive in time")
    MATERIAL_NOT_MET = "material_not_met", _("The report is not for the Ombudsman to examine")
    PLENARY_DECLINED = "plenary_declined", _("The plenary meeting decided not to examine it")
    RCO_RESOLVED = "rco_resolved", _("Resolved through Respons Cepat Ombudsman")
    LAHP_ISSUED = "lahp_issued", _("The final report (LAHP) was issued")
    CORRECTIVE_DONE = "corrective_done", _("The corrective actions were carried out")
    RECOMMENDATION_FOLLOWED_UP = (
        "recommendation_followed_up",
        _("The recommendation was followed up"),
    )
    WITHDRAWN = "withdrawn", _("Withdrawn by the reporter")


class ReferenceEntry(models.Model):
    """An admin-editable entry of an official list (codes stay, names may be corrected)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "name_id"]

    def __str__(self) -> str:
        return self.name_id

    def name_in(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_id


class MaladministrationType(ReferenceEntry):
    """Bentuk maladministrasi (domain.md §2.1: the 10 of PO 26/2017/48/2020 plus newer buckets)."""

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("maladministration type")
        verbose_name_plural = _("maladministration types")


class SubstanceCategory(ReferenceEntry):
    """Substansi laporan (domain.md §2.4; the official list was not found, so admins keep it)."""

    class Meta(ReferenceEntry.Meta):
        verbose_name = _("substance category")
        verbose_name_plural = _("substance categories")


class OmbudsmanCase(models.Model):
    """A report in the hands of the Ombudsman: who holds it, its state, its deadline."""

    report = models.OneToOneField(
        "complaints.Report", on_delete=models.PROTECT, related_name="ombudsman_case"
    )
    # Custody: the Ombudsman office (pusat or perwakilan), its unit (keasistenan), the assistant
    office = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="ombudsman_cases"
    )
    office_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="ombudsman_cases"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_ombudsman_cases",
    )
    # Where it came from
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    agency_case = models.OneToOneField(
        "cases.AgencyCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ombudsman_case",
    )
    history = models.TextField(_("history before the Ombudsman"), blank=True)
    # State
    state = models.CharField(
        _("state"), max_length=30, choices=OmbudsmanState.choices, default=OmbudsmanState.RECEIVED
    )
    track = models.CharField(
        _("track"), max_length=10, choices=Track.choices, default=Track.REGULAR
    )
    rco_criterion = models.CharField(
        _("fast-track criterion"), max_length=20, choices=RcoCriterion.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    # The running stage's clock (tuntas.sla)
    stage = models.CharField(max_length=50, blank=True)
    stage_started_on = models.DateField()
    due_on = models.DateField(null=True, blank=True, db_index=True)
    paused_on = models.DateField(null=True, blank=True)
    remaining_when_paused = models.PositiveIntegerField(null=True, blank=True)
    pauses = models.JSONField(default=list, blank=True)
    calendar_version = models.CharField(max_length=16, blank=True)
    # What the sweep already did for the current due date, so that it never does it twice.
    escalated_for = models.DateField(null=True, blank=True)
    # Outcome
    closure_reason = models.CharField(max_length=30, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Ombudsman case")
        verbose_name_plural = _("Ombudsman cases")
        indexes = [
            models.Index(fields=["office", "state", "due_on"], name="ombcase_inbox_idx"),
            models.Index(fields=["state", "due_on"], name="ombcase_sweep_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=sorted(CLOSED_STATES))
                | (Q(closed_at__isnull=False) & ~Q(closure_reason="")),
                name="ombcase_closed_has_time_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(paused_on__isnull=True) | Q(due_on__isnull=True),
                name="ombcase_paused_has_no_due",
            ),
            models.CheckConstraint(
                condition=~Q(track="rco") | ~Q(rco_criterion=""),
                name="ombcase_rco_has_criterion",
            ),
            models.CheckConstraint(
                condition=~Q(source="escalated") | Q(agency_case__isnull=False),
                name="ombcase_escalated_has_agency_case",
            ),
            models.CheckConstraint(
                condition=Q(source__in=[choice for choice, _label in Source.choices]),
                name="ombcase_source_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report.public_number} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES


class Handover(models.Model):
    """Custody passed between Ombudsman units or offices (PO 58/2023 Pasal 17); history stays."""

    case = models.ForeignKey(OmbudsmanCase, on_delete=models.PROTECT, related_name="handovers")
    from_office = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    from_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_office = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handed_at = models.DateTimeField()

    class Meta:
        ordering = ["handed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="handover_has_reason"),
        ]

    def __str__(self) -> str:
        return f"handover of {self.case_id}"


from tuntas.ombudsman.models_exam import (  # noqa: E402, F401
    ClarificationRequest,
    CompletenessRequest,
    FormalCheck,
    MaterialCheck,
    MediationSession,
    PlenaryDecision,
    SummonsEntry,
)
from tuntas.ombudsman.models_letters import Letter, LetterCounter, LetterTemplate  # noqa: E402, F401
from tuntas.ombudsman.models_outcome import (  # noqa: E402, F401
    CorrectiveAction,
    Lahp,
    Recommendation,
)
from tuntas.ombudsman.models_room import (  # noqa: E402, F401
    AgreedAction,
    RoomDocument,
    RoomMessage,
    UnitPush,
)
