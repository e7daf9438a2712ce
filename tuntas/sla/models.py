from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HolidayKind(models.TextChoices):
    NATIONAL = "libur_nasional", _("National holiday")
    JOINT_LEAVE = "cuti_bersama", _("Joint leave day (cuti bersama)")
    REGIONAL = "libur_daerah", _("Regional holiday")
    CLOSURE = "penutupan", _("Office closure")


class HolidaySource(models.TextChoices):
    LIBRARY = "library", _("Imported from the holidays package")
    DECREE = "decree", _("Entered from a decree (SKB)")
    ADMIN = "admin", _("Entered by an administrator")


class HolidayDate(models.Model):
    """A day on which the offices of a region (or the whole country) do not work.

    Imported per year from the `holidays` package, then confirmed or corrected by an
    administrator: the SKB 3 Menteri can move a date mid-year, and regional holidays and
    closures are not in any library. ``is_active=False`` keeps a withdrawn date on record.
    """

    date = models.DateField(_("date"))
    # Empty: national. Otherwise a Kemendagri region code prefix ("33" Jawa Tengah, "33.71" Kota Magelang).
    region_code = models.CharField(_("region code"), max_length=13, blank=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=HolidayKind.choices)
    source = models.CharField(_("source"), max_length=10, choices=HolidaySource.choices)
    reference = models.CharField(_("decree or reference"), max_length=200, blank=True)
    estimated = models.BooleanField(_("estimated date"), default=False)
    confirmed = models.BooleanField(_("confirmed by an administrator"), default=False)
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        ordering = ["date", "region_code"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "region_code"],
                name="holiday_once_per_region",
                violation_error_message=_("This date is already a holiday in this region."),
            ),
        ]
        indexes = [models.Index(fields=["region_code", "date"], name="holiday_region_date_idx")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    HOURS = "hours", _("hours")


class DeadlinePolicy(models.Model):
    """How long a stage may take. A row without institution is the default for everyone."""

    stage = models.CharField(_("stage"), max_length=50)
    institution = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadline_policies",
    )
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(
        pgettext_lazy("deadline length", "unit"), max_length=15, choices=DeadlineUnit.choices
    )
    source = models.CharField(_("legal source"), max_length=300)

    class Meta:
        ordering = ["stage"]
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(
                fields=["stage"],
                condition=Q(institution__isnull=True),
                name="deadline_default_once",
            ),
            models.UniqueConstraint(
                fields=["stage", "institution"],
                condition=Q(institution__isnull=False),
                name="deadline_override_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="deadline_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {self.amount} {self.unit}"
