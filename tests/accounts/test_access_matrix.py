"""Who reaches what: every persona against every institution, unit and staff page.

An officer of one institution reaches nothing of another, and gets 404 (not 403) so that a
page never confirms that an object exists; the Ombudsman reaches exactly its jurisdiction.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tuntas.accounts import access

INSTITUTIONS = ["ombudsman_ri", "jateng", "diy", "magelang", "purworejo", "sleman"]
UNITS = [
    "magelang_pupr",
    "magelang_dinkes",
    "magelang_puskesmas",
    "purworejo_dinkes",
    "sleman_dukcapil",
]

JATENG_REACH = {"jateng", "magelang", "purworejo"}
VISIBLE_INSTITUTIONS: dict[str, set[str]] = {
    "warga_budi": set(),
    "petugas_siti": {"magelang"},
    "petugas_dinkes": {"magelang"},
    "petugas_purworejo": {"purworejo"},
    "admin_magelang": {"magelang"},
    "pimpinan_magelang": {"magelang"},
    "auditor_magelang": {"magelang"},
    "asisten_andi": JATENG_REACH,
    "kepala_jateng": JATENG_REACH,
    "auditor_jateng": JATENG_REACH,
    "asisten_diy": {"diy", "sleman"},
    "asisten_pusat": set(INSTITUTIONS),
    "admin_rina": set(INSTITUTIONS),
}
MAGELANG_UNITS = {"magelang_pupr", "magelang_dinkes", "magelang_puskesmas"}
VISIBLE_UNITS: dict[str, set[str]] = {
    "warga_budi": set(),
    "petugas_siti": {"magelang_pupr"},
    "petugas_dinkes": {"magelang_dinkes", "magelang_puskesmas"},
    "petugas_purworejo": {"purworejo_dinkes"},
    "admin_magelang": MAGELANG_UNITS,
    "pimpinan_magelang": MAGELANG_UNITS,
    "auditor_magelang": MAGELANG_UNITS,
    "asisten_andi": MAGELANG_UNITS | {"purworejo_dinkes"},
    "kepala_jateng": MAGELANG_UNITS | {"purworejo_dinkes"},
    "auditor_jateng": MAGELANG_UNITS | {"purworejo_dinkes"},
    "asisten_diy": {"sleman_dukcapil"},
    "asisten_pusat": set(UNITS),
    "admin_rina": set(UNITS),
}
MANAGED_UNITS: dict[str, set[str]] = {persona: set() for persona in VISIBLE_UNITS}
MANAGED_UNITS["admin_magelang"] = MAGELANG_UNITS
MANAGED_UNITS["admin_rina"] = set(UNITS)
AUDIT_READERS = {
    "admin_magelang",
    "pimpinan_magelang",
    "auditor_magelang",
    "kepala_jateng",
    "auditor_jateng",
    "admin_rina",
}

PERSONAS = sorted(VISIBLE_INSTITUTIONS)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", INSTITUTIONS)
def test_staff_institution_page_is_reachable_exactly_within_scope(region, persona, name):
    institution = getattr(region, name)
    response = _client_for(getattr(region, persona)).get(f"/staf/instansi/{institution.slug}/")
    expected = 200 if name in VISIBLE_INSTITUTIONS[persona] else 404
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", UNITS)
def test_staff_unit_page_is_reachable_exactly_within_scope(region, persona, name):
    unit = getattr(region, name)
    response = _client_for(getattr(region, persona)).get(f"/staf/unit/{unit.pk}/")
    assert response.status_code == (200 if name in VISIBLE_UNITS[persona] else 404)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", UNITS)
def test_unit_edit_form_opens_only_for_the_institutions_administrator(region, persona, name):
    unit = getattr(region, name)
    response = _client_for(getattr(region, persona)).get(f"/staf/unit/{unit.pk}/ubah/")
    assert response.status_code == (200 if name in MANAGED_UNITS[persona] else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_edit_post_out_of_scope_is_404_and_changes_nothing(region, persona):
    unit = region.purworejo_dinkes
    response = _client_for(getattr(region, persona)).post(
        f"/staf/unit/{unit.pk}/ubah/", {"name": "Diretas", "kind": "dinas", "is_active": "on"}
    )
    unit.refresh_from_db()
    if persona == "admin_rina":
        assert response.status_code == 302
        assert unit.name == "Diretas"
    else:
        assert response.status_code == 404
        assert unit.name == "Dinas Kesehatan"


@pytest.mark.parametrize("persona", PERSONAS)
def test_audit_trail_page_opens_only_for_audit_readers(region, persona):
    response = _client_for(getattr(region, persona)).get("/staf/audit/")
    assert response.status_code == (200 if persona in AUDIT_READERS else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_predicates_agree_with_their_queryset_twins(region, persona):
    actor = getattr(region, persona)
    for name in INSTITUTIONS:
        institution = getattr(region, name)
        in_queryset = access.institutions_visible_to(actor).filter(pk=institution.pk).exists()
        assert access.can_view_institution(actor, institution) is in_queryset
        assert in_queryset is (name in VISIBLE_INSTITUTIONS[persona])
        managed = access.institutions_managed_by(actor).filter(pk=institution.pk).exists()
        assert access.can_manage_institution(actor, institution) is managed
    for name in UNITS:
        unit = getattr(region, name)
        in_queryset = access.units_visible_to(actor).filter(pk=unit.pk).exists()
        assert access.can_view_unit(actor, unit) is in_queryset
        assert (
            access.can_manage_unit(actor, unit)
            is access.units_managed_by(actor).filter(pk=unit.pk).exists()
        )
    for event in access.audit_events_visible_to(actor).model.objects.all():
        assert (
            access.can_view_audit_event(actor, event)
            is access.audit_events_visible_to(actor).filter(pk=event.pk).exists()
        )


def test_institution_auditor_reads_only_its_own_institutions_events(region):
    events = access.audit_events_visible_to(region.auditor_magelang)
    assert events.exists()
    assert set(events.values_list("institution_id", flat=True)) == {region.magelang.pk}


def test_representative_office_auditor_reads_events_of_its_whole_jurisdiction(region):
    institution_ids = set(
        access.audit_events_visible_to(region.auditor_jateng).values_list(
            "institution_id", flat=True
        )
    )
    assert institution_ids == {region.jateng.pk, region.magelang.pk, region.purworejo.pk}


def test_staff_pages_send_anonymous_visitors_to_the_login_page(region):
    response = Client().get(f"/staf/instansi/{region.magelang.slug}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/?next=")


def test_out_of_scope_and_nonexistent_objects_get_the_same_answer(region):
    client = _client_for(region.petugas_siti)
    hidden_path, missing_path = (
        f"/staf/instansi/{region.purworejo.slug}/",
        "/staf/instansi/tidak-ada/",
    )
    hidden, missing = client.get(hidden_path), client.get(missing_path)
    assert hidden.status_code == missing.status_code == 404

    def normalised(response, path):
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
        return body.replace(path.encode(), b"PATH")

    assert normalised(hidden, hidden_path) == normalised(missing, missing_path)


def test_revoked_role_no_longer_reaches_the_institution(region):
    from tuntas.accounts.services import membership_revoke

    membership = region.admin_magelang.memberships.get()
    membership_revoke(membership=membership, actor=region.admin_rina, reason="pindah tugas")
    response = _client_for(region.admin_magelang).get(f"/staf/instansi/{region.magelang.slug}/")
    assert response.status_code == 404
