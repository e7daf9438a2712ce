"""Every write to accounts and memberships, and the audit of sign-ins."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.accounts.models import Membership, Role, User, UserKind
from tuntas.audit.services import audit_record
from tuntas.institutions.models import Institution, Unit


def _membership_institutions(user: User) -> list[int | None]:
    ids = Membership.objects.active().filter(user=user).values_list("institution_id", flat=True)
    return [int(institution_id) for institution_id in ids]


@transaction.atomic
def user_create(
    *,
    actor: Any,
    email: str,
    full_name: str,
    password: str | None,
    kind: str = UserKind.STAFF,
    phone: str = "",
    is_platform_admin: bool = False,
    is_demo: bool = False,
) -> User:
    user = User(
        email=email.strip().lower(),
        full_name=full_name.strip(),
        kind=kind,
        phone=phone,
        is_staff=is_platform_admin,
        is_superuser=is_platform_admin,
        is_demo=is_demo,
    )
    if password is None:
        user.set_unusable_password()
    else:
        password_validation.validate_password(password, user)
        user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action="user.created",
        obj=user,
        changes={
            "email": [None, user.email],
            "kind": [None, kind],
            "platform_admin": [None, is_platform_admin],
        },
    )
    return user


@transaction.atomic
def user_set_password(*, user: User, actor: Any, password: str) -> User:
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.password_changed", obj=user)
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: Any, reason: str) -> User:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for deactivating the account.")})
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    for institution_id in _membership_institutions(user) or [None]:
        audit_record(
            actor=actor,
            action="user.deactivated",
            obj=user,
            institution_id=institution_id,
            changes={"is_active": [True, False]},
            data={"reason": reason},
        )
    return user


@transaction.atomic
def membership_grant(
    *, actor: Any, user: User, institution: Institution, role: str, unit: Unit | None = None
) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if user.kind != UserKind.STAFF:
        raise ValidationError({"user": _("Only staff accounts can hold a role in an institution.")})
    if unit is not None and unit.institution_id != institution.pk:
        raise ValidationError({"unit": _("The unit must belong to the chosen institution.")})
    if role in Role.unit_roles() and unit is None:
        raise ValidationError({"unit": _("A unit officer must be given a unit.")})
    if role in Role.ombudsman_roles() and not institution.is_ombudsman:
        raise ValidationError({"role": _("This role exists only in Ombudsman offices.")})
    existing = Membership.objects.filter(
        user=user, institution=institution, unit=unit, role=role, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    membership = Membership(user=user, institution=institution, unit=unit, role=role)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="membership.granted",
        obj=membership,
        institution_id=institution.pk,
        data={"user_id": user.pk, "role": role, "unit_id": unit.pk if unit else None},
    )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: Any, reason: str) -> Membership:
    if membership.revoked_at is not None:
        return membership
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="membership.revoked",
        obj=membership,
        institution_id=membership.institution_id,
        data={"user_id": membership.user_id, "role": membership.role, "reason": reason},
    )
    return membership


def _login_fingerprint(email: str) -> str:
    # A failed attempt may carry a mistyped address of someone else: keep only a digest.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


@transaction.atomic
def auth_login_record(*, user: User, ip_address: str | None) -> None:
    for institution_id in _membership_institutions(user) or [None]:
        audit_record(
            actor=user,
            action="auth.logged_in",
            obj=user,
            institution_id=institution_id,
            data={"ip": ip_address},
        )


@transaction.atomic
def auth_logout_record(*, user: User) -> None:
    audit_record(actor=user, action="auth.logged_out", obj=user)


@transaction.atomic
def auth_login_failure_record(*, email: str, ip_address: str | None, locked: bool) -> None:
    audit_record(
        actor=None,
        action="auth.locked_out" if locked else "auth.login_failed",
        data={"login": _login_fingerprint(email), "ip": ip_address},
    )
