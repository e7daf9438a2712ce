from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuntas.institutions.models import Institution, Unit


class UserKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    CITIZEN = "citizen", _("Citizen")


class UserManager(BaseUserManager["User"]):
    """Only what Django's own commands need; the application creates users via services."""

    # Kept out of migrations: they must never import application code.
    use_in_migrations = False

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, kind=UserKind.STAFF)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address: staff or an (optional) citizen account."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    kind = models.CharField(
        _("kind of account"), max_length=10, choices=UserKind.choices, default=UserKind.STAFF
    )
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Django admin access, for platform administrators only.
    is_staff = models.BooleanField(_("platform administrator"), default=False)
    # Created by `tuntas demo load`; refused at sign-in where demo logins are off.
    is_demo = models.BooleanField(_("demo account"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(condition=Q(email=Lower("email")), name="user_email_lowercase"),
            models.CheckConstraint(
                condition=~Q(kind="citizen") | Q(is_staff=False, is_superuser=False),
                name="user_citizen_not_admin",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    OFFICER = "petugas", _("Unit officer")
    INSTITUTION_ADMIN = "admin_instansi", _("Institution administrator")
    HEAD = "pimpinan", _("Head of institution")
    OMBUDSMAN_ASSISTANT = "asisten_ombudsman", _("Ombudsman assistant")
    REPRESENTATIVE_HEAD = "kepala_perwakilan", _("Head of Ombudsman representative office")
    AUDITOR = "auditor", _("Auditor (read-only)")
    # Reads the identity of confidential (rahasia) reporters of its institution.
    PRIVACY_OFFICER = "petugas_privasi", _("Privacy officer")

    @classmethod
    def ombudsman_roles(cls) -> tuple[str, ...]:
        return (cls.OMBUDSMAN_ASSISTANT, cls.REPRESENTATIVE_HEAD)

    @classmethod
    def unit_roles(cls) -> tuple[str, ...]:
        """Roles that are held in one unit rather than across the institution."""
        return (cls.OFFICER,)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(
            revoked_at__isnull=True, user__is_active=True, institution__is_active=True
        )


class Membership(models.Model):
    """A user's role in an institution, or in one unit of it."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["institution__name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution", "role"],
                condition=Q(unit__isnull=True, revoked_at__isnull=True),
                name="membership_institution_role_once",
            ),
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(unit__isnull=False, revoked_at__isnull=True),
                name="membership_unit_role_once",
            ),
            models.CheckConstraint(
                condition=~Q(role="petugas") | Q(unit__isnull=False),
                name="membership_officer_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("granted_at")),
                name="membership_revoked_after_granted",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id and self.unit else self.institution.name
        return f"{self.user} — {self.get_role_display()} — {where}"
