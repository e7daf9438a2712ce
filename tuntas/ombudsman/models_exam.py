"""What happens before and during the examination: checks, requests, meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuntas.institutions.models import Institution


class PowerOfAttorney(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed: the reporter is the person affected")
    PROVIDED = "provided", _("Provided")
    MISSING = "missing", _("Missing")


class FormalCheck(models.Model):
    """Verifikasi formil: UU 37/2008 Pasal 24(1), (3) and PO 48/2020 Pasal 4 (domain.md §1.2–1.3)."""

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="formal_checks"
    )
    identity_confirmed = models.BooleanField(
        _("identity complete, NIK confirmed with the population register"), default=False
    )
    chronology_clear = models.BooleanField(_("the events are described in detail"), default=False)
    prior_complaint = models.BooleanField(
        _("the reported party was asked first and did not resolve it"), default=False
    )
    within_two_years = models.BooleanField(_("the event is less than 2 years old"), default=False)
    power_of_attorney = models.CharField(
        _("power of attorney"),
        max_length=15,
        choices=PowerOfAttorney.choices,
        default=PowerOfAttorney.NOT_NEEDED,
    )
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"formal check of {self.case_id}"

    @property
    def missing(self) -> list[str]:
        """The requirements not met, by field name."""
        names = ["identity_confirmed", "chronology_clear", "prior_complaint", "within_two_years"]
        gaps = [name for name in names if not getattr(self, name)]
        if self.power_of_attorney == PowerOfAttorney.MISSING:
            gaps.append("power_of_attorney")
        return gaps

    @property
    def passed(self) -> bool:
        return not self.missing

    @property
    def missing_labels(self) -> list[str]:
        return [
            str(getattr(self._meta.get_field(name), "verbose_name", name)) for name in self.missing
        ]


class CompletenessRequest(models.Model):
    """Permintaan kelengkapan data: the reporter has a deadline (30 days, domain.md §1.4)."""

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="completeness_requests"
    )
    missing_items = models.TextField(_("what is missing"))
    requested_on = models.DateField()
    due_on = models.DateField(db_index=True)
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)
    lapsed_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["requested_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(answered_on__isnull=True, lapsed_on__isnull=True),
                name="completeness_one_open_per_case",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(lapsed_on__isnull=True),
                name="completeness_answered_or_lapsed",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("requested_on")),
                name="completeness_due_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"completeness request of {self.case_id}"


class MaterialCheck(models.Model):
    """Verifikasi materiil (domain.md §1.5; UU 37/2008 Pasal 36(1))."""

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="material_checks"
    )
    within_authority = models.BooleanField(_("within the Ombudsman's authority"), default=False)
    not_before_court = models.BooleanField(
        _("not being or already examined by a court"), default=False
    )
    not_already_reported = models.BooleanField(
        _("not already reported to the Ombudsman"), default=False
    )
    not_resolved = models.BooleanField(
        _("not already resolved by the reported party"), default=False
    )
    agency_time_passed = models.BooleanField(
        _("the reported party's reasonable time has passed"), default=False
    )
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"material check of {self.case_id}"

    @property
    def missing(self) -> list[str]:
        names = [
            "within_authority",
            "not_before_court",
            "not_already_reported",
            "not_resolved",
            "agency_time_passed",
        ]
        return [name for name in names if not getattr(self, name)]

    @property
    def passed(self) -> bool:
        return not self.missing

    @property
    def missing_labels(self) -> list[str]:
        return [
            str(getattr(self._meta.get_field(name), "verbose_name", name)) for name in self.missing
        ]


class PlenaryOutcome(models.TextChoices):
    EXAMINE = "examine", _("Examine the report")
    DECLINE = "decline", _("Do not examine the report")


class PlenaryDecision(models.Model):
    """Rapat pleno (central office) or rapat perwakilan (representative office), with minutes."""

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="plenary_decisions"
    )
    held_on = models.DateField(_("meeting date"))
    outcome = models.CharField(_("decision"), max_length=10, choices=PlenaryOutcome.choices)
    minutes = models.TextField(_("minutes"))
    attendees = models.TextField(_("attendees"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(minutes=""), name="plenary_has_minutes"),
        ]

    def __str__(self) -> str:
        return f"plenary decision on {self.case_id}"


class ClarificationKind(models.TextChoices):
    WRITTEN = "written", _("Written clarification")
    DIRECT = "direct", _("Direct clarification (meeting)")
    ON_SITE = "on_site", _("On-site examination")


class ClarificationRequest(models.Model):
    """Permintaan klarifikasi to the reported party, its deadline and its answer (§1.7)."""

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="clarifications"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ClarificationKind.choices)
    addressed_to = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("addressed to")
    )
    questions = models.TextField(_("questions"))
    sent_on = models.DateField()
    due_on = models.DateField(db_index=True)
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(questions=""), name="clarification_has_questions"),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | ~Q(answer=""),
                name="clarification_answer_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"clarification {self.kind} on {self.case_id}"


class SummonsEntry(models.Model):
    """Pemanggilan: each summons in order; UU 37/2008 Pasal 31 allows forced attendance after repeated absence."""

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="summonses"
    )
    sequence = models.PositiveSmallIntegerField()
    person = models.CharField(_("person summoned"), max_length=200)
    capacity = models.CharField(_("as"), max_length=100, blank=True)
    scheduled_at = models.DateTimeField(_("when"))
    place = models.CharField(_("where"), max_length=300)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="summons_sequence_once"),
        ]

    def __str__(self) -> str:
        return f"summons {self.sequence} on {self.case_id}"


class MediationKind(models.TextChoices):
    CONCILIATION = "konsiliasi", _("Conciliation (konsiliasi)")
    MEDIATION = "mediasi", _("Mediation (mediasi)")


class MediationOutcome(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement reached")
    NO_AGREEMENT = "no_agreement", _("No agreement")
    NOT_HELD = "not_held", _("Could not be held")


class MediationSession(models.Model):
    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="mediations"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MediationKind.choices)
    held_on = models.DateField(_("date"))
    parties = models.TextField(_("parties present"))
    outcome = models.CharField(_("outcome"), max_length=15, choices=MediationOutcome.choices)
    agreement = models.TextField(_("agreement"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="agreement") | ~Q(agreement=""),
                name="mediation_agreement_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.case_id}"
