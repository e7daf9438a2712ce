from __future__ import annotations

import datetime

from django.conf import settings
from django.test import Client

from tuntas.institutions.models import PartnershipScope
from tuntas.institutions.services import partnership_create


def _mou(region):
    return partnership_create(
        actor=None,
        title="Nota Kesepahaman Peningkatan Kualitas Pelayanan Publik",
        number="MOU/ORI-JTG/2024",
        signed_on=datetime.date(2024, 4, 2),
        valid_from=datetime.date(2024, 4, 2),
        valid_until=datetime.date(2029, 4, 1),
        parties=[(region.jateng, "A"), (region.magelang, "B")],
        scopes=PartnershipScope.values,
    )


def test_the_institution_page_shows_units_and_the_partnership_with_its_scope(region):
    _mou(region)
    page = Client().get(f"/instansi/{region.magelang.slug}/").content.decode()
    assert "Pemerintah Kota Magelang" in page
    assert "Puskesmas Jurangombo" in page
    assert "MOU/ORI-JTG/2024" in page
    assert "2 April 2024" in page
    for scope in ("Percepatan penyelesaian laporan masyarakat", "Pencegahan maladministrasi"):
        assert scope in page


def test_the_home_page_lists_partner_institutions(region):
    _mou(region)
    page = Client().get("/").content.decode()
    assert "Pemerintah Kota Magelang" in page
    assert "Pemerintah Kabupaten Sleman" not in page  # not a party to any partnership


def test_an_unknown_institution_gets_a_404_page_in_indonesian(db):
    response = Client().get("/instansi/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_the_404_page_is_in_english_when_english_is_chosen(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Page not found" in client.get("/instansi/tidak-ada/").content.decode()


def test_the_directory_searches_names_and_units(region):
    page = Client().get("/instansi/", {"q": "jurangombo"}).content.decode()
    assert "Pemerintah Kota Magelang" in page
    assert "Pemerintah Kabupaten Purworejo" not in page


def test_the_directory_ignores_an_unknown_kind_and_says_so(region):
    response = Client().get("/instansi/", {"kind": "kerajaan"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_htmx_search_returns_only_the_results_fragment(region):
    response = Client().get(
        "/instansi/",
        {"q": "Purworejo"},
        headers={"HX-Request": "true", "HX-Target": "directory-results"},
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Pemerintah Kabupaten Purworejo" in body


def test_the_directory_page_makes_a_bounded_number_of_queries(
    region, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        Client().get("/instansi/")


def test_the_institution_page_makes_a_bounded_number_of_queries(
    region, django_assert_max_num_queries
):
    _mou(region)
    with django_assert_max_num_queries(9):
        Client().get(f"/instansi/{region.magelang.slug}/")


def test_pages_open_in_indonesian_even_when_the_browser_prefers_english(db):
    response = Client().get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "id"


def test_the_language_switch_changes_the_language_without_javascript(db):
    client = Client()
    response = client.post("/bahasa/", {"language": "en", "next": "/instansi/"})
    assert response.status_code == 302
    assert client.get("/instansi/")["Content-Language"] == "en"
