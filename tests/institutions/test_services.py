from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import InstitutionFactory, UnitFactory
from tuntas.audit.models import AuditEvent
from tuntas.institutions.models import PartnershipScope
from tuntas.institutions.services import partnership_create, unit_update


def test_a_government_without_a_region_code_is_refused(db):
    with pytest.raises(ValidationError) as error:
        InstitutionFactory(
            name="Pemerintah Kota Tanpa Kode", kind="pemerintah_kota", region_code=""
        )
    assert "kode wilayah Kemendagri" in str(error.value)
    assert not AuditEvent.objects.exists()


def test_a_malformed_region_code_is_refused(db):
    with pytest.raises(ValidationError, match="Kemendagri"):
        InstitutionFactory(name="Pemerintah Kabupaten Salah", region_code="33-06")


def test_a_parent_unit_from_another_institution_is_refused(region):
    with pytest.raises(ValidationError, match=r"same institution|instansi yang sama"):
        unit_update(
            unit=region.magelang_pupr, actor=region.admin_magelang, parent=region.purworejo_dinkes
        )
    region.magelang_pupr.refresh_from_db()
    assert region.magelang_pupr.parent is None


def test_a_unit_cannot_be_moved_under_its_own_descendant(region):
    with pytest.raises(ValidationError):
        unit_update(
            unit=region.magelang_dinkes,
            actor=region.admin_magelang,
            parent=region.magelang_puskesmas,
        )


def test_an_update_records_only_the_fields_that_changed(region):
    unit_update(
        unit=region.magelang_pupr,
        actor=region.admin_magelang,
        phone="0293-123456",
        name=region.magelang_pupr.name,
    )
    event = AuditEvent.objects.get(action="unit.updated")
    assert event.changes == {"phone": ["", "0293-123456"]}
    assert event.institution_id == region.magelang.pk


def test_an_update_that_changes_nothing_records_nothing(region):
    unit_update(
        unit=region.magelang_pupr, actor=region.admin_magelang, name=region.magelang_pupr.name
    )
    assert not AuditEvent.objects.filter(action="unit.updated").exists()


def test_a_partnership_needs_an_ombudsman_party_and_a_scope(region):
    common = {
        "actor": None,
        "title": "Kerja sama",
        "number": "X/1",
        "signed_on": datetime.date(2024, 4, 2),
        "valid_from": datetime.date(2024, 4, 2),
        "valid_until": None,
    }
    with pytest.raises(ValidationError):
        partnership_create(
            parties=[(region.magelang, "1"), (region.purworejo, "2")],
            scopes=["pencegahan"],
            **common,
        )
    with pytest.raises(ValidationError):
        partnership_create(
            parties=[(region.jateng, "1"), (region.magelang, "2")], scopes=[], **common
        )
    with pytest.raises(ValidationError):
        partnership_create(
            parties=[(region.jateng, "1"), (region.magelang, "2")],
            scopes=["pencegahan"],
            **{**common, "valid_until": datetime.date(2020, 1, 1)},
        )


def test_a_partnership_is_audited_for_every_party(region):
    partnership = partnership_create(
        actor=None,
        title="Nota Kesepahaman",
        number="MOU/2024/1",
        signed_on=datetime.date(2024, 4, 2),
        valid_from=datetime.date(2024, 4, 2),
        valid_until=datetime.date(2029, 4, 1),
        parties=[(region.jateng, "A"), (region.magelang, "B")],
        scopes=PartnershipScope.values,
    )
    assert partnership.scope_items.count() == 4
    institution_ids = set(
        AuditEvent.objects.filter(action="partnership.created").values_list(
            "institution_id", flat=True
        )
    )
    assert institution_ids == {region.jateng.pk, region.magelang.pk}


def test_unit_names_are_unique_within_an_institution(region):
    with pytest.raises(ValidationError):
        UnitFactory(institution=region.magelang, name="Dinas Kesehatan")
    UnitFactory(institution=region.purworejo, name="Dinas Sosial")
