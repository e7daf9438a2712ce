"""The report form's directory snapshot: each process keeps one, and any write to the
institutions, units or categories is seen by the next read, without a restart."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.complaints.web_helpers import ENGLISH, form_data
from tests.factories import InstitutionFactory, UnitFactory
from tuntas.complaints.forms import ReportForm
from tuntas.complaints.models import Category
from tuntas.complaints.selectors_directory import (
    directory_for_reports,
    institution_choices_for_reports,
)
from tuntas.complaints.services import category_create
from tuntas.institutions.services import institution_update, unit_update

pytestmark = pytest.mark.django_db

FIELDS_TEMPLATE = "complaints/_report_fields.html"


def _names() -> list[str]:
    return [choice.name for choice in directory_for_reports().institution_choices()]


def test_the_ombudsman_offices_are_not_offered_to_reporters(region):
    names = _names()
    assert "Pemerintah Kota Magelang" in names
    assert "Ombudsman RI Perwakilan Jawa Tengah" not in names
    assert "Ombudsman Republik Indonesia" not in names


def test_a_new_institution_is_offered_by_the_next_read(region):
    first = directory_for_reports()
    InstitutionFactory(name="Pemerintah Kabupaten Blora", region_code="33.16")
    assert "Pemerintah Kabupaten Blora" not in [i.name for i in first.institution_choices()]
    assert "Pemerintah Kabupaten Blora" in _names()


def test_a_deactivated_institution_is_no_longer_offered(region):
    assert "Pemerintah Kabupaten Purworejo" in _names()
    institution_update(institution=region.purworejo, actor=None, is_active=False)
    assert "Pemerintah Kabupaten Purworejo" not in _names()
    assert directory_for_reports().institution(region.purworejo.pk) is None


def test_a_renamed_unit_is_listed_under_its_new_name(region):
    before = directory_for_reports().unit_choices(region.magelang.pk)
    assert (region.magelang_pupr.pk, "Dinas Pekerjaan Umum dan Penataan Ruang", 0) in before
    unit_update(unit=region.magelang_pupr, actor=None, name="Dinas PUPR")
    after = directory_for_reports().unit_choices(region.magelang.pk)
    assert (region.magelang_pupr.pk, "Dinas PUPR", 0) in after


def test_units_come_in_tree_order_with_their_depth(region):
    choices = directory_for_reports().unit_choices(region.magelang.pk)
    names = [(name, depth) for _pk, name, depth in choices]
    assert names.index(("Dinas Kesehatan", 0)) + 1 == names.index(("Puskesmas Jurangombo", 1))
    UnitFactory(institution=region.magelang, name="Dinas Arsip")
    assert directory_for_reports().unit_choices(region.magelang.pk)[0][1] == "Dinas Arsip"


def test_an_inactive_unit_is_not_offered(region):
    unit_update(unit=region.magelang_pupr, actor=None, is_active=False)
    directory = directory_for_reports()
    assert directory.unit(region.magelang_pupr.pk) is None
    assert region.magelang_pupr.pk not in [
        pk for pk, *_ in directory.unit_choices(region.magelang.pk)
    ]


def test_what_a_caller_changes_on_a_handed_out_instance_stays_with_the_caller(region):
    institution = directory_for_reports().institution(region.magelang.pk)
    assert institution is not None
    institution.name = "diubah oleh satu permintaan"
    unit = directory_for_reports().unit(region.magelang_pupr.pk)
    assert unit is not None
    unit.name = "diubah juga"
    again = directory_for_reports()
    assert again.institution(region.magelang.pk).name == "Pemerintah Kota Magelang"
    assert again.unit(region.magelang_pupr.pk).name == "Dinas Pekerjaan Umum dan Penataan Ruang"


def test_the_search_reads_the_database_and_matches_unit_names(region):
    assert [c.name for c in institution_choices_for_reports("Jurangombo")] == [
        "Pemerintah Kota Magelang"
    ]
    assert institution_choices_for_reports("Ombudsman") == []


# --- The blank form, rendered once ---------------------------------------------------------


def _fields(html: str) -> str:
    start = html.index('<fieldset id="what">')
    return html[start : html.index('<div class="form-actions">')]


def test_a_blank_form_is_rendered_once_and_served_again_with_its_own_csrf_token(region):
    first = Client().get("/lapor/")
    second = Client().get("/lapor/")
    assert FIELDS_TEMPLATE in [t.name for t in first.templates]
    assert FIELDS_TEMPLATE not in [t.name for t in second.templates]
    first_html, second_html = first.content.decode(), second.content.decode()
    assert _fields(first_html) == _fields(second_html)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in second_html


def test_each_language_has_its_own_blank_form(region):
    Client().get("/lapor/")
    english = Client()
    english.cookies.load(ENGLISH)
    html = english.get("/lapor/").content.decode()
    assert "What happened" in _fields(html)
    assert "Apa yang terjadi" in _fields(Client().get("/lapor/").content.decode())


def test_a_new_category_appears_on_the_blank_form_at_once(region):
    assert "Transportasi umum" not in Client().get("/lapor/").content.decode()
    category_create(
        actor=None, slug="transportasi", name_id="Transportasi umum", name_en="Public transport"
    )
    assert "Transportasi umum" in Client().get("/lapor/").content.decode()


def test_a_new_institution_appears_on_the_blank_form_at_once(region):
    Client().get("/lapor/")
    InstitutionFactory(name="Pemerintah Kabupaten Sragen", region_code="33.14")
    assert "Pemerintah Kabupaten Sragen" in Client().get("/lapor/").content.decode()


def test_the_blank_form_moves_its_date_limit_with_the_day(region):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        assert 'max="2026-03-02"' in Client().get("/lapor/").content.decode()
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.UTC), tick=False):
        html = Client().get("/lapor/").content.decode()
    assert 'max="2026-03-03"' in html
    assert 'max="2026-03-02"' not in html


def test_a_form_with_an_institution_chosen_is_rendered_for_the_visitor(region):
    response = Client().get(f"/lapor/?instansi={region.magelang.slug}")
    assert FIELDS_TEMPLATE in [t.name for t in response.templates]
    assert f'<option value="{region.magelang.pk}" selected>' in response.content.decode()


def test_a_signed_in_citizen_gets_a_form_with_their_name(region):
    client = Client()
    client.force_login(region.warga_budi)
    html = client.get("/lapor/").content.decode()
    assert 'value="Budi Santoso"' in html
    assert "Budi Santoso" not in Client().get("/lapor/").content.decode()


def test_the_forms_categories_are_named_in_the_visitors_language_in_their_order(region):
    health = Category.objects.get(slug="kesehatan")
    english = Client()
    english.cookies.load(ENGLISH)
    english_html = english.get("/lapor/").content.decode()
    indonesian_html = Client().get("/lapor/").content.decode()
    assert f'<option value="{health.pk}">Health</option>' in english_html
    assert f'<option value="{health.pk}">Kesehatan</option>' in indonesian_html
    assert english_html.index(">Education<") < english_html.index(">Health<")
    assert english_html.index(">Health<") < english_html.index(">Other<")


def test_a_category_taken_out_of_use_is_refused_by_the_next_form(region):
    data = form_data(region)
    assert ReportForm(data=data).is_valid()
    Category.objects.filter(slug="kesehatan").update(is_active=False, updated_at=timezone.now())
    form = ReportForm(data=data)
    assert not form.is_valid()
    assert form.errors["category"] == ["Pilih kategori dari daftar."]


def test_the_form_refuses_a_category_that_is_not_a_number(region):
    form = ReportForm(data=form_data(region, category="kesehatan"))
    assert not form.is_valid()
    assert form.errors["category"] == ["Pilih kategori dari daftar."]
    assert form.cleaned_data["institution"] == region.magelang


def test_a_first_visit_after_the_first_asks_the_database_only_for_the_fingerprint(
    region, django_assert_num_queries
):
    Client().get("/lapor/")
    with django_assert_num_queries(1) as queries:
        assert Client().get("/lapor/").status_code == 200
    assert "COUNT(*)" in queries.captured_queries[0]["sql"]
