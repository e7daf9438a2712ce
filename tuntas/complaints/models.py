from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuntas.institutions.models import Institution, Unit


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("Channel system (API)")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WALK_IN = "walk_in", _("Walk-in (officer entry)")
    PHONE = "phone", _("Telephone (officer entry)")
    REFERRAL = "referral", _("Referral from another institution's system")
    IMPORT = "import", _("Imported from an earlier record")


class IdentityMode(models.TextChoices):
    """How the reporter's identity is handled (UU 37/2008 Pasal 24(2); SP4N-LAPOR!)."""

    OPEN = "terbuka", _("Open: the handling staff see my identity")
    CONFIDENTIAL = (
        "rahasia",
        _("Confidential: only the privacy officer and the Ombudsman see my identity"),
    )
    ANONYMOUS = "anonim", _("Anonymous: my identity is not stored")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Private")
    PUBLIC = "public", _("Public (redacted)")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    WITHDRAWN = "withdrawn", _("Withdrawn by the reporter")


class Category(models.Model):
    """A service area reports are filed under; administrators maintain the list."""

    slug = models.SlugField(_("code"), max_length=50, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    # Tells the report form's directory snapshot that the list changed (selectors_directory).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name_id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name_id

    def name_in(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_id


class Report(models.Model):
    """A citizen's report about a public service, from any channel."""

    # Identification
    public_number = models.CharField(_("report number"), max_length=20, unique=True)
    access_code_hash = models.CharField(max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    channel_reference = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    # What
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    desired_outcome = models.TextField(_("what outcome you want"), blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    service_name = models.CharField(_("service"), max_length=200, blank=True)
    # Where
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    kecamatan = models.CharField(_("district (kecamatan)"), max_length=100, blank=True)
    kelurahan = models.CharField(_("village (kelurahan/desa)"), max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Prior complaint to the unit (UU 37/2008 Pasal 24(1)(c))
    complained_before = models.BooleanField(_("already complained to the unit"), default=False)
    complained_on = models.DateField(_("when you complained"), null=True, blank=True)
    complaint_response = models.TextField(_("what the unit answered"), blank=True)
    # Identity handling
    identity_mode = models.CharField(_("identity"), max_length=10, choices=IdentityMode.choices)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    consent_version = models.CharField(max_length=20, blank=True)
    language = models.CharField(max_length=5, default="id")
    # Who entered it, when the reporter did not (officer entry) or a channel system did
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    citizen_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["institution", "status", "submitted_at"], name="report_inbox_idx"),
            models.Index(fields=["unit", "status", "submitted_at"], name="report_unit_inbox_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "channel_reference"],
                condition=~Q(channel_reference=""),
                name="report_channel_reference_once",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="report_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="report_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="report_coordinates_paired",
            ),
            models.CheckConstraint(
                condition=Q(complained_before=True) | Q(complained_on__isnull=True),
                name="report_complaint_date_needs_complaint",
            ),
        ]

    def __str__(self) -> str:
        return self.public_number


class ReporterIdentity(models.Model):
    """The reporter's identity, encrypted at rest; absent for anonymous reports.

    ``sealed`` holds the Fernet token of a JSON object (name, nik, phone, email, address). The
    digests are keyed hashes so that a citizen's reports, and an SMS reply, can be matched
    without decrypting anything.
    """

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="identity")
    sealed = models.TextField()
    email_digest = models.CharField(max_length=64, blank=True, db_index=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True)
    nik_digest = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("reporter identity")
        verbose_name_plural = _("reporter identities")

    def __str__(self) -> str:
        return f"identity of {self.report_id}"


class ScanStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the virus scan")
    CLEAN = "clean", _("Clean")
    NOT_SCANNED = "not_scanned", _("No virus scanner configured")


class Attachment(models.Model):
    """A file attached to a report: the original (never served to staff) and a safe copy."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=100, unique=True)
    safe_name = models.CharField(max_length=100, blank=True)
    scan_status = models.CharField(
        max_length=15, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    uploaded_by_reporter = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ReportRating(models.Model):
    """How satisfied the reporter is with the handling, once the report is closed.

    One 1–5 answer to one SKM-style question about complaint handling (the Survei Kepuasan
    Masyarakat of PermenPANRB 14/2017, element 8 "Penanganan Pengaduan, Saran dan Masukan";
    domain.md §5 — the SKM itself scores each element 1–4, this overall score is 1–5 as the
    intake issue asks) and an optional comment. One per report, enforced by the database.
    """

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="rating")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="reportrating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.score}"


from tuntas.complaints.models_inbound import InboundMessage  # noqa: E402, F401  (channel intake)
