"""Open data of the Ombudsman track: cases by maladministration type, suppressed, and its times."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.complaints.test_report_submit import CANARY_NAME, CANARY_NIK
from tests.ombudsman.helpers import at, ombudsman_case
from tests.ombudsman.test_track import draft, to_examination
from tuntas.ombudsman import services_outcome as outcome
from tuntas.ombudsman.models import MaladministrationType
from tuntas.opendata.datasets import release_build
from tuntas.opendata.ombudsman_data import OMBUDSMAN_CUBE, OMBUDSMAN_TIMES, OMBUDSMAN_TOTALS
from tuntas.sla.services import holidays_import

CANARY_FINDING = "Petugas tidak memeriksa status kepesertaan"  # the LAHP findings (test_track)


@pytest.fixture(autouse=True)
def fresh_cache_and_holidays(db):
    holidays_import(year=2026)
    cache.clear()
    yield
    cache.clear()


def _rows(release, name):
    table = release.tables[name]
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


def examined_cases(region, count, conclusion, *, types=()):
    """``count`` cases taken to an issued LAHP (formal check on the 11th, issued on the 16th)."""
    andi = region.asisten_andi
    cases = []
    for _ in range(count):
        case = ombudsman_case(region)
        with at(11):
            to_examination(case, andi)
            extra = {}
            if types:
                extra["maladministration_types"] = [
                    MaladministrationType.objects.get(code=code) for code in types
                ]
                extra["corrective_actions"] = [
                    outcome.CorrectiveItem(
                        description="Melatih petugas loket.",
                        owner=region.magelang,
                        owner_detail="Kepala Dinas",
                    )
                ]
            draft(case, andi, conclusion, region, **extra)
        with at(16):
            outcome.ombudsman_lahp_respond(case=case, response=f"Saya {CANARY_NAME} menerima.")
            outcome.ombudsman_lahp_issue(
                case=case, actor=region.kepala_jateng, expected_version=case.version
            )
        cases.append(case)
    return cases


def test_a_small_group_of_ombudsman_cases_is_hidden_and_its_complement_too(region):
    examined_cases(region, 6, "not_found")
    for _ in range(2):
        ombudsman_case(region)  # received only: no final report yet
    release = release_build()
    cells = {
        (row["maladministration_type"], row["substance"], row["conclusion"]): row
        for row in _rows(release, OMBUDSMAN_CUBE)
    }
    assert set(cells) == {("", "", ""), ("", "kesehatan", "not_found")}
    assert all(row["count"] is None and row["suppressed"] for row in cells.values())
    row = cells[("", "kesehatan", "not_found")]
    assert row["month"] == "2026-03"
    assert row["office"] == region.jateng.slug
    assert row["institution"] == region.magelang.slug
    totals = _rows(release, OMBUDSMAN_TOTALS)
    assert [(row["office"], row["count"], row["suppressed"]) for row in totals] == [
        (region.jateng.slug, 8, False)
    ]
    for name in (OMBUDSMAN_CUBE, OMBUDSMAN_TOTALS):
        for values in release.tables[name].rows:
            assert 2 not in values and 6 not in values  # 8 - 6 would reveal the 2


def test_a_case_is_counted_under_each_maladministration_type_of_its_issued_lahp(region):
    examined_cases(region, 5, "found", types=("penyimpangan-prosedur", "penundaan-berlarut"))
    release = release_build()
    cells = {row["maladministration_type"]: row for row in _rows(release, OMBUDSMAN_CUBE)}
    assert set(cells) == {"penyimpangan-prosedur", "penundaan-berlarut"}
    for row in cells.values():
        assert (row["count"], row["suppressed"]) == (5, False)
        assert (row["substance"], row["conclusion"]) == ("kesehatan", "found")
    assert [row["count"] for row in _rows(release, OMBUDSMAN_TOTALS)] == [5]


def test_a_drafted_lahp_is_not_published_before_it_is_issued(region):
    andi = region.asisten_andi
    for _ in range(5):
        case = ombudsman_case(region)
        with at(11):
            to_examination(case, andi)
            draft(case, andi, "not_found", region)
    cells = _rows(release_build(), OMBUDSMAN_CUBE)
    assert [(r["conclusion"], r["substance"], r["count"]) for r in cells] == [("", "", 5)]


def test_ombudsman_times_count_working_days_and_hide_small_groups(region):
    examined_cases(region, 6, "not_found")
    ombudsman_case(region)
    times = _rows(release_build(), OMBUDSMAN_TIMES)
    assert len(times) == 1
    row = times[0]
    # Opened Tuesday 10 March; first decision Wednesday 11th; closed Monday 16th.
    assert (row["closed_count"], row["closed_suppressed"]) == (6, False)
    assert row["closure_median_working_days"] == 4.0 and row["closure_p90_working_days"] == 4
    assert (row["responded_count"], row["responded_suppressed"]) == (6, False)
    assert row["response_median_working_days"] == 1.0


def test_ombudsman_times_of_fewer_than_five_cases_are_withheld(region):
    examined_cases(region, 3, "not_found")
    row = _rows(release_build(), OMBUDSMAN_TIMES)[0]
    assert row["closed_count"] is None and row["closed_suppressed"]
    assert row["closure_median_working_days"] is None
    assert row["response_median_working_days"] is None


def test_no_personal_data_or_lahp_text_appears_in_the_ombudsman_files(client, region):
    examined_cases(region, 5, "found", types=("penyimpangan-prosedur",))
    urls = [
        reverse("opendata:dataset_file", args=[name, ext])
        for name in (OMBUDSMAN_CUBE, OMBUDSMAN_TOTALS, OMBUDSMAN_TIMES)
        for ext in ("csv", "json")
    ]
    urls += [reverse("opendata:index"), reverse("opendata:dictionary")]
    urls += [reverse("opendata:dictionary_file", args=[ext]) for ext in ("csv", "json")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for canary in (CANARY_NAME, CANARY_NIK, CANARY_FINDING, "Melatih petugas"):
            assert canary not in body, (url, canary)
    assert "penyimpangan-prosedur" in client.get(urls[0]).content.decode()
