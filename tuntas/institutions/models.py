from __future__ import annotations

import datetime

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Kemendagri kode wilayah: "33" (provinsi), "33.71" (kab/kota), "33.71.01" (kecamatan), ...
region_code_validator = RegexValidator(
    r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$",
    _("Enter a Kemendagri region code such as 33 or 33.71."),
)


class InstitutionKind(models.TextChoices):
    OMBUDSMAN_CENTRAL = "ombudsman_pusat", _("Ombudsman RI (central office)")
    OMBUDSMAN_REPRESENTATIVE = "ombudsman_perwakilan", _("Ombudsman RI representative office")
    PROVINCE = "pemerintah_provinsi", _("Provincial government")
    CITY = "pemerintah_kota", _("City government")
    REGENCY = "pemerintah_kabupaten", _("Regency government")
    UNIVERSITY = "universitas", _("University")
    OTHER = "lainnya", _("Other institution")

    @classmethod
    def ombudsman_kinds(cls) -> tuple[str, ...]:
        return (cls.OMBUDSMAN_CENTRAL, cls.OMBUDSMAN_REPRESENTATIVE)

    @classmethod
    def government_kinds(cls) -> tuple[str, ...]:
        return (cls.PROVINCE, cls.CITY, cls.REGENCY)


class ContactDetails(models.Model):
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        abstract = True


class Institution(ContactDetails):
    """An organisation: the Ombudsman (central, representative offices) or a partner."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=InstitutionKind.choices)
    # Ombudsman hierarchy: a representative office reports to the central office.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent institution"),
    )
    # The Ombudsman office whose jurisdiction covers this institution (UU 37/2008 Pasal 43).
    supervising_office = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised",
        verbose_name=_("supervising Ombudsman office"),
    )
    region_code = models.CharField(
        _("region code (Kemendagri)"), max_length=13, blank=True, validators=[region_code_validator]
    )
    description = models.TextField(_("description"), blank=True)
    # Responses to reporters need the head's approval before they are sent (per institution SOP).
    requires_head_approval = models.BooleanField(
        _("responses need the head's approval"), default=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(
                    kind__in=("pemerintah_provinsi", "pemerintah_kota", "pemerintah_kabupaten")
                )
                | ~Q(region_code=""),
                name="institution_government_has_region_code",
                violation_error_message=_(
                    "A government institution needs its Kemendagri region code."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind="ombudsman_perwakilan") | Q(parent__isnull=False),
                name="institution_representative_has_parent",
            ),
            models.CheckConstraint(
                condition=~Q(kind="ombudsman_pusat") | Q(parent__isnull=True),
                name="institution_central_has_no_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("institutions:detail", kwargs={"slug": self.slug})

    @property
    def is_ombudsman(self) -> bool:
        return self.kind in InstitutionKind.ombudsman_kinds()


class UnitKind(models.TextChoices):
    DINAS = "dinas", _("Agency (dinas)")
    BADAN = "badan", _("Board (badan)")
    BAGIAN = "bagian", _("Section (bagian)")
    INSPEKTORAT = "inspektorat", _("Inspectorate")
    KECAMATAN = "kecamatan", _("District office (kecamatan)")
    KELURAHAN = "kelurahan", _("Village office (kelurahan/desa)")
    UPT = "upt", _("Technical unit (UPT)")
    RSUD = "rsud", _("Regional hospital (RSUD)")
    PUSKESMAS = "puskesmas", _("Community health centre (puskesmas)")
    SEKOLAH = "sekolah", _("School")
    FAKULTAS = "fakultas", _("Faculty")
    BIRO = "biro", _("Bureau")
    KEASISTENAN = "keasistenan", _("Ombudsman assistant group (keasistenan)")
    LAINNYA = "lainnya", _("Other unit")


class Unit(ContactDetails):
    """An organisational unit of an institution; units nest (a dinas contains its UPTs)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="units", verbose_name=_("institution")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["institution__name", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"],
                name="unit_name_unique_in_institution",
                violation_error_message=_("This institution already has a unit with this name."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="unit_not_own_parent",
                violation_error_message=_("A unit cannot be placed under itself."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServicePoint(ContactDetails):
    """A place where a unit serves the public: a counter, a branch, a mobile service."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="service_points", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="service_point_name_unique_in_unit",
                violation_error_message=_("This unit already has a service point with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartnershipScope(models.TextChoices):
    """The four scope items of the Ombudsman's cooperation agreements."""

    REPORT_RESOLUTION = "percepatan_penyelesaian", _("Faster resolution of public reports")
    PREVENTION = "pencegahan", _("Prevention of maladministration")
    DATA_EXCHANGE = "pertukaran_data", _("Exchange of data and information")
    HUMAN_RESOURCES = "pengembangan_sdm", _("Human-resource development")


class Partnership(models.Model):
    """A cooperation agreement (nota kesepahaman / MoU) between the Ombudsman and partners."""

    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("agreement number"), max_length=100, unique=True)
    signed_on = models.DateField(_("date signed"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    place_signed = models.CharField(_("place signed"), max_length=120, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "number"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="partnership_validity_ordered",
                violation_error_message=_("A partnership cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def is_in_force_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class PartnershipParty(models.Model):
    """An institution that signed a partnership, with its own document number."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="parties")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="partnerships"
    )
    party_number = models.CharField(_("party's document number"), max_length=100, blank=True)
    signatory = models.CharField(_("signatory"), max_length=200, blank=True)

    class Meta:
        ordering = ["institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "institution"], name="partnership_party_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} @ {self.partnership.number}"


class PartnershipScopeItem(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="scope_items"
    )
    scope = models.CharField(_("scope"), max_length=30, choices=PartnershipScope.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "scope"], name="partnership_scope_once"),
        ]

    def __str__(self) -> str:
        return self.get_scope_display()
