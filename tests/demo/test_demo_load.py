from __future__ import annotations

from django.core.management import call_command
from django.test import Client

from tuntas.accounts.models import Membership, Role, User
from tuntas.audit.verify import audit_chain_verify
from tuntas.demo.region import DEMO_PASSWORD
from tuntas.institutions.models import Institution, Partnership, Unit


def test_demo_load_builds_the_mou_region(db, capsys):
    call_command("demo_load")
    out = capsys.readouterr().out
    assert "admin@tuntas.demo" in out and DEMO_PASSWORD in out
    names = set(Institution.objects.values_list("name", flat=True))
    for expected in (
        "Ombudsman RI Perwakilan Jawa Tengah",
        "Pemerintah Kota Magelang",
        "Pemerintah Kabupaten Purworejo",
        "Pemerintah Kabupaten Blora",
        "Pemerintah Kabupaten Kebumen",
        "Pemerintah Kabupaten Pemalang",
        "Pemerintah Kabupaten Sragen",
        "Pemerintah Kabupaten Temanggung",
        "Pemerintah Kabupaten Pati",
        "Pemerintah Kabupaten Banjarnegara",
        "Institut Agama Islam Negeri Kudus",
        "Universitas Safin Pati",
    ):
        assert expected in names
    mou = Partnership.objects.get()
    assert str(mou.signed_on) == "2024-04-02"
    assert mou.scope_items.count() == 4
    assert mou.parties.count() == 12
    magelang = Institution.objects.get(slug="kota-magelang")
    kinds = set(Unit.objects.filter(institution=magelang).values_list("kind", flat=True))
    assert {"dinas", "rsud", "puskesmas", "bagian", "sekolah"} <= kinds
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.filter(kind="citizen").exists()
    assert audit_chain_verify().ok


def test_demo_load_twice_changes_nothing(db, capsys):
    call_command("demo_load", "--quiet-logins")
    counts = (
        Institution.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    call_command("demo_load", "--quiet-logins")
    assert "nothing changed" in capsys.readouterr().out
    assert counts == (
        Institution.objects.count(),
        Unit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )


def test_demo_load_if_empty_leaves_an_existing_database_alone(region, capsys):
    call_command("demo_load", "--if-empty", "--quiet-logins")
    assert "not loaded" in capsys.readouterr().out
    assert not Partnership.objects.exists()


def test_demo_users_can_sign_in_where_demo_logins_are_on(db):
    call_command("demo_load", "--quiet-logins")
    response = Client().post(
        "/akun/masuk/", {"username": "petugas.siti@magelangkota.demo", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
