"""Every write to institutions, units, service points and partnerships."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tuntas.audit.services import assign_editable, audit_record, changed_fields, field_values
from tuntas.institutions.models import (
    Institution,
    Partnership,
    PartnershipParty,
    PartnershipScope,
    PartnershipScopeItem,
    ServicePoint,
    Unit,
)

INSTITUTION_EDITABLE_FIELDS = (
    "requires_head_approval",
    "name",
    "short_name",
    "description",
    "address",
    "phone",
    "email",
    "website",
    "is_active",
)
UNIT_EDITABLE_FIELDS = (
    "name",
    "kind",
    "parent",
    "description",
    "address",
    "phone",
    "email",
    "website",
    "is_active",
)


@transaction.atomic
def institution_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    slug: str = "",
    short_name: str = "",
    parent: Institution | None = None,
    supervising_office: Institution | None = None,
    region_code: str = "",
    description: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
) -> Institution:
    institution = Institution(
        name=name,
        kind=kind,
        slug=slug or slugify(short_name or name)[:80],
        short_name=short_name,
        parent=parent,
        supervising_office=supervising_office,
        region_code=region_code,
        description=description,
        address=address,
        phone=phone,
        email=email,
        website=website,
    )
    if supervising_office is not None and not supervising_office.is_ombudsman:
        raise ValidationError(
            {"supervising_office": _("The supervising office must be an Ombudsman office.")}
        )
    institution.full_clean()
    institution.save()
    audit_record(
        actor=actor,
        action="institution.created",
        obj=institution,
        institution_id=institution.pk,
        changes=changed_fields(
            {}, field_values(institution, ("name", "kind", "region_code", "parent"))
        ),
    )
    return institution


@transaction.atomic
def institution_update(*, institution: Institution, actor: Any, **fields: Any) -> Institution:
    before = assign_editable(institution, fields, editable=INSTITUTION_EDITABLE_FIELDS)
    institution.full_clean()
    changes = changed_fields(before, field_values(institution, fields))
    if not changes:
        return institution
    institution.save(update_fields=[*changes, "updated_at"])
    audit_record(
        actor=actor,
        action="institution.updated",
        obj=institution,
        institution_id=institution.pk,
        changes=changes,
    )
    return institution


def _check_parent_unit(unit: Unit, parent: Unit | None) -> None:
    if parent is None:
        return
    if parent.institution_id != unit.institution_id:
        raise ValidationError({"parent": _("The parent unit must belong to the same institution.")})
    ancestor: Unit | None = parent
    while ancestor is not None:
        if unit.pk is not None and ancestor.pk == unit.pk:
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})
        ancestor = ancestor.parent


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    institution: Institution,
    name: str,
    kind: str,
    parent: Unit | None = None,
    description: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
) -> Unit:
    unit = Unit(
        institution=institution,
        name=name,
        kind=kind,
        parent=parent,
        description=description,
        address=address,
        phone=phone,
        email=email,
        website=website,
    )
    _check_parent_unit(unit, parent)
    unit.full_clean()
    unit.save()
    audit_record(
        actor=actor,
        action="unit.created",
        obj=unit,
        institution_id=institution.pk,
        changes=changed_fields({}, field_values(unit, ("name", "kind", "parent"))),
    )
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, actor: Any, **fields: Any) -> Unit:
    before = assign_editable(unit, fields, editable=UNIT_EDITABLE_FIELDS)
    if "parent" in fields:
        _check_parent_unit(unit, fields["parent"])
    unit.full_clean()
    changes = changed_fields(before, field_values(unit, fields))
    if not changes:
        return unit
    unit.save(update_fields=[*changes, "updated_at"])
    audit_record(
        actor=actor,
        action="unit.updated",
        obj=unit,
        institution_id=unit.institution_id,
        changes=changes,
    )
    return unit


@transaction.atomic
def service_point_create(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    address: str = "",
    phone: str = "",
    opening_hours: str = "",
) -> ServicePoint:
    point = ServicePoint(
        unit=unit, name=name, address=address, phone=phone, opening_hours=opening_hours
    )
    point.full_clean()
    point.save()
    audit_record(
        actor=actor,
        action="service_point.created",
        obj=point,
        institution_id=unit.institution_id,
        data={"unit_id": unit.pk},
    )
    return point


@transaction.atomic
def partnership_create(
    *,
    actor: Any,
    title: str,
    number: str,
    signed_on: datetime.date,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
    parties: Iterable[tuple[Institution, str]],
    scopes: Iterable[str],
    place_signed: str = "",
    summary: str = "",
) -> Partnership:
    """Record an agreement with its parties ``(institution, their document number)`` and scope."""
    parties = list(parties)
    scopes = list(dict.fromkeys(scopes))
    if not any(institution.is_ombudsman for institution, _number in parties):
        raise ValidationError(
            {"parties": _("A partnership needs an Ombudsman office among its parties.")}
        )
    if len(parties) < 2:
        raise ValidationError({"parties": _("A partnership needs at least two parties.")})
    invalid = [scope for scope in scopes if scope not in PartnershipScope.values]
    if invalid or not scopes:
        raise ValidationError({"scopes": _("Choose at least one scope item from the list.")})

    partnership = Partnership(
        title=title,
        number=number,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_until=valid_until,
        place_signed=place_signed,
        summary=summary,
    )
    partnership.full_clean()
    partnership.save()
    for institution, party_number in parties:
        PartnershipParty.objects.create(
            partnership=partnership, institution=institution, party_number=party_number
        )
    PartnershipScopeItem.objects.bulk_create(
        PartnershipScopeItem(partnership=partnership, scope=scope) for scope in scopes
    )
    for institution, _number in parties:
        audit_record(
            actor=actor,
            action="partnership.created",
            obj=partnership,
            institution_id=institution.pk,
            data={"number": number, "scopes": scopes, "parties": [inst.pk for inst, _n in parties]},
        )
    return partnership
