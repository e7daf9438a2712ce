"""Administrators edit letter templates and reference lists through services, with audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tuntas.audit.models import AuditEvent
from tuntas.ombudsman.models import LetterTemplate, MaladministrationType
from tuntas.ombudsman.services_admin import letter_template_update, reference_entry_save


def test_a_template_change_is_audited_and_a_broken_one_refused(db, region):
    template = LetterTemplate.objects.get(kind="penutupan")
    letter_template_update(
        template=template, actor=region.admin_rina, title="Pemberitahuan Penutupan"
    )
    event = AuditEvent.objects.get(action="ombudsman.letter_template_changed")
    assert event.changes["title"][1] == "Pemberitahuan Penutupan"
    with pytest.raises(ValidationError):
        letter_template_update(template=template, actor=region.admin_rina, body="{% include 'x' %}")
    template.refresh_from_db()
    assert "{% include" not in template.body


def test_the_seeded_lists_hold_the_official_types_and_new_entries_are_audited(db, region):
    assert MaladministrationType.objects.count() == 13
    assert MaladministrationType.objects.filter(code="penundaan-berlarut").exists()
    entry = reference_entry_save(
        model=MaladministrationType,
        actor=region.admin_rina,
        code="uji",
        name_id="Uji",
        name_en="Test",
        position=999,
        is_active=True,
        source="uji",
    )
    assert entry.pk
    assert AuditEvent.objects.filter(action="ombudsman.reference_entry_saved").exists()


def test_the_admin_pages_open_for_a_platform_administrator(client, db, region):
    from tuntas.accounts.models import User

    admin = User.objects.create_superuser("root@contoh.test", "x", full_name="Root")
    client.force_login(admin)
    template = LetterTemplate.objects.get(kind="lahp")
    assert client.get(f"/admin/ombudsman/lettertemplate/{template.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/ombudsman/lettertemplate/{template.pk}/change/",
        {"title": template.title, "number_code": "LAHP", "body": "{% load static %}"},
    )
    assert response.status_code == 200  # the form comes back with the error
    template.refresh_from_db()
    assert "{% load" not in template.body
