"""The outcome of an examination: the LAHP, its corrective actions, the rekomendasi."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuntas.institutions.models import Institution


class Conclusion(models.TextChoices):
    """PO 48/2020 Pasal 25(1)(e) (domain.md §1.8)."""

    FOUND = "found", _("Maladministration found")
    NOT_FOUND = "not_found", _("No maladministration found")
    STOPPED = "stopped", _("Examination stopped")


class Lahp(models.Model):
    """Laporan Akhir Hasil Pemeriksaan. A draft goes to the reporter before it is issued."""

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="lahps"
    )
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices)
    summary = models.TextField(_("description of the report"))
    findings = models.TextField(_("examination results"))
    opinion = models.TextField(_("the Ombudsman's opinion"))
    maladministration_types = models.ManyToManyField(
        "ombudsman.MaladministrationType", blank=True, verbose_name=_("maladministration types")
    )
    substance = models.ForeignKey(
        "ombudsman.SubstanceCategory",
        on_delete=models.PROTECT,
        verbose_name=_("substance category"),
    )
    drafted_at = models.DateTimeField()
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reporter_notified_on = models.DateField()
    response_due_on = models.DateField()
    reporter_response = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    superseded = models.BooleanField(default=False)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["drafted_at", "id"]
        verbose_name = _("final report (LAHP)")
        verbose_name_plural = _("final reports (LAHP)")
        constraints = [
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True) | ~Q(conclusion=""),
                name="lahp_issued_has_conclusion",
            ),
            models.CheckConstraint(
                condition=Q(conclusion__in=["found", "not_found", "stopped"]),
                name="lahp_conclusion_known",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(superseded=False),
                name="lahp_one_current_per_case",
            ),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True) | Q(superseded=False),
                name="lahp_issued_not_superseded",
            ),
        ]

    def __str__(self) -> str:
        return f"LAHP of {self.case_id}"


class CorrectiveAction(models.Model):
    """Tindakan korektif: who must do what by when; done only with evidence (§1.9)."""

    lahp = models.ForeignKey(Lahp, on_delete=models.PROTECT, related_name="corrective_actions")
    description = models.TextField(_("corrective action"))
    owner = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible")
    )
    owner_detail = models.CharField(_("responsible official or unit"), max_length=200, blank=True)
    due_on = models.DateField(_("deadline"), db_index=True)
    # False: the deadline policy sets it when the LAHP is issued (ombudsman.corrective_action).
    due_set_by_examiner = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    escalated_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(evidence=""),
                name="corrective_done_has_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class RecommendationOutcome(models.TextChoices):
    IMPLEMENTED = "implemented", _("Carried out in full")
    PARTIAL = "partial", _("Carried out in part")
    NOT_IMPLEMENTED = "not_implemented", _("Not carried out")


class Recommendation(models.Model):
    """Rekomendasi (UU 37/2008 Pasal 38): the superior reports on it within its deadline."""

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="recommendations"
    )
    addressee = models.CharField(_("addressed to"), max_length=300)
    content = models.TextField(_("recommendation"))
    issued_on = models.DateField()
    due_on = models.DateField(db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(
        _("follow-up"), max_length=20, choices=RecommendationOutcome.choices, blank=True
    )
    follow_up = models.TextField(_("follow-up report"), blank=True)
    followed_up_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["issued_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(followed_up_on__isnull=True),
                name="recommendation_one_open_per_case",
            ),
            models.CheckConstraint(
                condition=Q(followed_up_on__isnull=True) | ~Q(outcome=""),
                name="recommendation_follow_up_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"recommendation on {self.case_id}"
