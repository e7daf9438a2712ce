"""Open data: anonymous counts and times, suppressed, as CSV and JSON with a dictionary."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from tests.complaints.test_report_submit import CANARY_NAME, CANARY_NIK, draft_for
from tuntas.cases import services as case_services
from tuntas.cases.models import AgencyCase
from tuntas.complaints.models import Category
from tuntas.complaints.services_intake import report_submit
from tuntas.opendata.datasets import CUBE, TIMES, TOTALS_CATEGORY, TOTALS_INSTITUTION, release_build
from tuntas.sla.services import holidays_import

WIB = datetime.timezone(datetime.timedelta(hours=7))
MONDAY = datetime.datetime(2026, 2, 2, 9, 0, tzinfo=WIB)
CANARY_TITLE = "Kanari judul rahasia sekali"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def submit(region, count, *, when=MONDAY, **overrides):
    cases = []
    with time_machine.travel(when, tick=False):
        for _ in range(count):
            submitted = report_submit(
                draft=draft_for(region, title=CANARY_TITLE, **overrides), channel="web"
            )
            cases.append(AgencyCase.objects.get(report=submitted.report))
    return cases


def _rows(release, name):
    table = release.tables[name]
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


def test_a_cell_of_three_never_appears_and_no_total_reveals_it(region):
    submit(region, 3)  # kesehatan
    submit(
        region, 7, category=Category.objects.get(slug="infrastruktur"), unit=region.magelang_pupr
    )
    release = release_build()
    cells = _rows(release, CUBE)
    assert {row["count"] for row in cells} == {None}  # the 7 is hidden too: 10 - 7 = 3
    assert all(row["suppressed"] for row in cells)
    totals = _rows(release, TOTALS_INSTITUTION)
    assert [row["count"] for row in totals] == [10]
    categories = {row["category"]: row for row in _rows(release, TOTALS_CATEGORY)}
    assert categories["kesehatan"]["count"] is None
    assert categories["infrastruktur"]["count"] is None  # else 10 - 7 reveals the 3
    for table in release.tables.values():
        for row in table.rows:
            assert 3 not in row


def test_counts_of_five_and_more_are_published(region):
    submit(region, 5)
    submit(
        region, 6, category=Category.objects.get(slug="infrastruktur"), unit=region.magelang_pupr
    )
    release = release_build()
    counts = sorted(row["count"] for row in _rows(release, CUBE))
    assert counts == [5, 6]
    cell = _rows(release, CUBE)[0]
    assert cell["month"] == "2026-02"
    assert cell["institution"] == region.magelang.slug
    assert cell["channel"] == "web" and cell["stage"] == "received"


def test_handling_times_are_working_days_and_hidden_for_small_groups(region):
    holidays_import(year=2026)
    cases = submit(region, 6)
    for case in cases:  # verified on Thursday: 3 working days after Monday
        with time_machine.travel(MONDAY + datetime.timedelta(days=3), tick=False):
            case_services.case_verify(
                case=case, actor=region.admin_magelang, expected_version=case.version
            )
    release = release_build()
    times = _rows(release, TIMES)
    assert len(times) == 1
    assert times[0]["responded_count"] == 6
    assert times[0]["response_median_working_days"] == 3.0
    assert times[0]["response_p90_working_days"] == 3
    assert times[0]["closed_count"] == 0

    submit(region, 2, when=MONDAY + datetime.timedelta(days=35))
    small = [row for row in _rows(release_build(), TIMES) if row["month"] == "2026-03"]
    assert small[0]["responded_count"] == 0


def test_no_personal_data_or_free_text_appears_in_any_public_file(client, region):
    submit(region, 6)
    submit(region, 6, identity_mode="anonim", identity=None, consent=False)
    urls = [reverse("opendata:index"), reverse("opendata:dictionary")]
    urls += [
        reverse("opendata:dataset_file", args=[name, ext])
        for name in (CUBE, TOTALS_INSTITUTION, TOTALS_CATEGORY, TIMES)
        for ext in ("csv", "json")
    ]
    urls += [reverse("opendata:dictionary_file", args=[ext]) for ext in ("csv", "json")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for canary in (CANARY_NAME, CANARY_NIK, "kanari@contoh.test", CANARY_TITLE, "BPJS"):
            assert canary not in body, (url, canary)


def test_the_files_are_public_cached_and_carry_the_licence(client, region, settings):
    settings.OPENDATA_LICENCE = "CC BY 4.0"
    submit(region, 5)
    response = client.get(reverse("opendata:dataset_file", args=[CUBE, "json"]))
    assert "public" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["licence"]["name"] == "CC BY 4.0"
    assert document["suppression_threshold"] == 5
    assert document["rows"][0]["count"] == 5
    csv_response = client.get(reverse("opendata:dataset_file", args=[CUBE, "csv"]))
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert rows[0]["count"] == "5" and rows[0]["suppressed"] == "false"
    submit(region, 5, when=MONDAY + datetime.timedelta(days=1))
    cached = json.loads(client.get(reverse("opendata:dataset_file", args=[CUBE, "json"])).content)
    assert cached["rows"][0]["count"] == 5  # served from the cache until it is refreshed


def test_the_dictionary_describes_every_column_of_every_dataset(client, region):
    client.cookies["tuntas_language"] = "en"
    release = release_build()
    document = json.loads(client.get(reverse("opendata:dictionary_file", args=["json"])).content)
    described = {(row["dataset"], row["column"]) for row in document["columns"]}
    for name, table in release.tables.items():
        for column in table.columns:
            assert (name, column) in described
    page = client.get(reverse("opendata:dictionary"))
    assert b"stage" in page.content and b"Being followed up" in page.content


def test_an_unknown_dataset_is_a_404(client, db):
    assert client.get("/data/nope.csv").status_code == 404
