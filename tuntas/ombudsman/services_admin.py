"""Writes administrators make in the Django admin: letter templates and the reference lists."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tuntas.audit.services import audit_record, changed_fields, field_values
from tuntas.ombudsman.letters import check_template_body
from tuntas.ombudsman.models import LetterTemplate, MaladministrationType, SubstanceCategory

TEMPLATE_FIELDS = ("title", "number_code", "body")
REFERENCE_FIELDS = ("code", "name_id", "name_en", "position", "is_active", "source")


@transaction.atomic
def letter_template_update(
    *, template: LetterTemplate, actor: Any, **fields: Any
) -> LetterTemplate:
    """Change a letter's wording; a body that does not compile or reaches outside its context is refused."""
    unknown = set(fields) - set(TEMPLATE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "body" in fields:
        check_template_body(fields["body"])
    before = field_values(template, TEMPLATE_FIELDS)
    for name, value in fields.items():
        setattr(template, name, value)
    template.full_clean()
    template.save()
    audit_record(
        actor=actor,
        action="ombudsman.letter_template_changed",
        obj=template,
        changes=changed_fields(before, field_values(template, TEMPLATE_FIELDS)),
    )
    return template


@transaction.atomic
def reference_entry_save(
    *,
    model: type[MaladministrationType] | type[SubstanceCategory],
    actor: Any,
    entry: MaladministrationType | SubstanceCategory | None = None,
    **fields: Any,
) -> MaladministrationType | SubstanceCategory:
    """Add or correct an entry of a reference list; entries are retired (inactive), never deleted."""
    unknown = set(fields) - set(REFERENCE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    target = entry if entry is not None else model()
    before = field_values(target, REFERENCE_FIELDS) if entry is not None else {}
    for name, value in fields.items():
        setattr(target, name, value)
    target.full_clean()
    target.save()
    audit_record(
        actor=actor,
        action="ombudsman.reference_entry_saved",
        obj=target,
        changes=changed_fields(before, field_values(target, REFERENCE_FIELDS)),
    )
    return target
