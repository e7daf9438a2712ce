"""An institution administrator keeps the unit list right; bad input loses nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tuntas.audit.models import AuditEvent
from tuntas.institutions.models import Unit


@pytest.fixture
def admin_client(region):
    client = Client()
    client.force_login(region.admin_magelang)
    return client


def test_the_administrator_changes_a_units_contact_details(region, admin_client):
    unit = region.magelang_pupr
    response = admin_client.post(
        f"/staf/unit/{unit.pk}/ubah/",
        {"name": unit.name, "kind": "dinas", "phone": "(0293) 362 000", "is_active": "on"},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.phone == "(0293) 362 000"
    event = AuditEvent.objects.get(action="unit.updated")
    assert event.actor == region.admin_magelang
    assert event.changes == {"phone": ["", "(0293) 362 000"]}


def test_an_empty_name_is_refused_keeping_what_was_typed_and_changing_nothing(region, admin_client):
    unit = region.magelang_pupr
    response = admin_client.post(
        f"/staf/unit/{unit.pk}/ubah/",
        {"name": "", "kind": "dinas", "phone": "0293-999", "is_active": "on"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="0293-999"' in page
    assert 'role="alert"' in page
    unit.refresh_from_db()
    assert unit.phone == ""
    assert not AuditEvent.objects.filter(action="unit.updated").exists()


def test_a_duplicate_name_is_refused_with_a_field_message(region, admin_client):
    response = admin_client.post(
        f"/staf/unit/{region.magelang_pupr.pk}/ubah/",
        {"name": "Dinas Kesehatan", "kind": "dinas", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "sudah memiliki unit dengan nama ini" in response.content.decode()
    region.magelang_pupr.refresh_from_db()
    assert region.magelang_pupr.name == "Dinas Pekerjaan Umum dan Penataan Ruang"


def test_a_parent_from_another_institution_cannot_even_be_offered(region, admin_client):
    response = admin_client.post(
        f"/staf/unit/{region.magelang_pupr.pk}/ubah/",
        {
            "name": "Dinas PUPR",
            "kind": "dinas",
            "parent": region.purworejo_dinkes.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    region.magelang_pupr.refresh_from_db()
    assert region.magelang_pupr.parent is None


def test_the_administrator_adds_a_unit_under_a_parent(region, admin_client):
    response = admin_client.post(
        f"/staf/instansi/{region.magelang.slug}/unit-baru/",
        {"name": "Puskesmas Kerkopan", "kind": "puskesmas", "parent": region.magelang_dinkes.pk},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(name="Puskesmas Kerkopan")
    assert unit.parent == region.magelang_dinkes
    assert AuditEvent.objects.filter(action="unit.created", object_id=str(unit.pk)).exists()


def test_every_post_form_carries_a_csrf_token():
    root = Path(__file__).resolve().parents[2] / "tuntas"
    missing = []
    for template in root.rglob("*.html"):
        for form in re.findall(
            r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", template.read_text(), re.S | re.I
        ):
            if "{% csrf_token %}" not in form:
                missing.append(str(template.relative_to(root)))
    assert missing == []


def test_every_state_changing_page_refuses_a_post_without_the_token(region):
    client = Client(enforce_csrf_checks=True)
    client.force_login(region.admin_magelang)
    for path in (
        f"/staf/unit/{region.magelang_pupr.pk}/ubah/",
        f"/staf/instansi/{region.magelang.slug}/unit-baru/",
        "/akun/keluar/",
        "/bahasa/",
    ):
        assert client.post(path, {"name": "x", "language": "en"}).status_code == 403, path


def test_user_create_command_refuses_an_unknown_institution_clearly(db):
    with pytest.raises(CommandError, match="No institution with slug 'atlantis'"):
        call_command(
            "user_create",
            "--email",
            "x@contoh.test",
            "--name",
            "X",
            "--institution",
            "atlantis",
            "--role",
            "admin_instansi",
        )


def test_user_create_command_creates_an_officer_with_a_role(region):
    call_command(
        "user_create",
        "--email",
        "baru@contoh.test",
        "--name",
        "Petugas Baru",
        "--password",
        "Sate-Ayam-Magelang-7",
        "--institution",
        region.magelang.slug,
        "--unit",
        region.magelang_pupr.name,
        "--role",
        "petugas",
    )
    membership = region.magelang_pupr.memberships.get(user__email="baru@contoh.test")
    assert membership.role == "petugas"
