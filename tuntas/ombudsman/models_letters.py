"""Official letters: admin-editable templates, a number counter per office and year, the PDFs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuntas.institutions.models import Institution


class LetterKind(models.TextChoices):
    RECEIPT = "tanda_terima", _("Receipt of the report (tanda terima)")
    COMPLETENESS = "kelengkapan", _("Request to complete the report")
    CLARIFICATION = "klarifikasi", _("Request for clarification")
    SUMMONS = "undangan", _("Invitation / summons")
    CLOSURE = "penutupan", _("Notice of closure")
    LAHP = "lahp", _("Final examination report (LAHP)")
    RECOMMENDATION = "rekomendasi", _("Recommendation (rekomendasi)")


class LetterTemplate(models.Model):
    """The body of one kind of letter: Django template syntax over a fixed, escaped context."""

    kind = models.CharField(_("kind"), max_length=15, choices=LetterKind.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    number_code = models.CharField(
        _("classification code in the number"), max_length=30, help_text=_("e.g. RM.03.01")
    )
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")

    def __str__(self) -> str:
        return self.title


class LetterCounter(models.Model):
    """The last number given by one office in one year; locked while a letter is numbered."""

    office = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="letter_counter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last_sequence}"


class Letter(models.Model):
    """A generated letter, kept with the case; the PDF lives in MEDIA_ROOT/letters."""

    case = models.ForeignKey(
        "ombudsman.OmbudsmanCase", on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=LetterKind.choices)
    office = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("letter number"), max_length=100, unique=True)
    stored_name = models.CharField(max_length=100, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "sequence"], name="letter_number_once_per_office_year"
            ),
            models.CheckConstraint(condition=Q(sequence__gt=0), name="letter_sequence_positive"),
        ]

    def __str__(self) -> str:
        return self.number
