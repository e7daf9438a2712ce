"""The inbox: visible cases only, filters, deadline sort and counts, bulk actions, query budgets."""

from __future__ import annotations

import pytest
import time_machine

from tests.staff.cases_helpers import TUESDAY, client_for, file_case
from tuntas.cases import services
from tuntas.cases.models import AgencyCase
from tuntas.sla.services import holidays_import


@pytest.fixture(autouse=True)
def calendar(db):
    holidays_import(year=2026)


def at(day: int):
    return time_machine.travel(TUESDAY.replace(day=day), tick=False)


def test_the_inbox_shows_only_the_cases_the_officer_may_see_earliest_deadline_first(region):
    with at(10):
        earlier = file_case(region, title="Lebih dulu")
    with at(11):
        later = file_case(region, title="Belakangan")
        file_case(region, unit=region.magelang_dinkes, title="Unit lain")
        file_case(region, institution=region.sleman, unit=region.sleman_dukcapil, title="Sleman")
    with at(11):
        page = client_for(region.petugas_siti).get("/staf/kasus/").content.decode()
    assert page.index(earlier.report.public_number) < page.index(later.report.public_number)
    assert "Unit lain" not in page and "Sleman" not in page
    with at(11):
        page = client_for(region.petugas_siti).get("/staf/kasus/?sort=-received").content.decode()
    assert page.index(later.report.public_number) < page.index(earlier.report.public_number)


def test_the_counts_show_what_is_due_today_and_overdue(region):
    with at(10):
        file_case(region)  # due Fri 13 Mar
    with at(11):
        file_case(region)  # due Mon 16 Mar
    with at(13):
        page = client_for(region.petugas_siti).get("/staf/kasus/").content.decode()
    assert 'data-count="due_today"><strong>1</strong>' in page
    assert 'data-count="overdue"><strong>0</strong>' in page
    with at(16):
        page = client_for(region.petugas_siti).get("/staf/kasus/").content.decode()
    assert 'data-count="due_today"><strong>1</strong>' in page
    assert 'data-count="overdue"><strong>1</strong>' in page


def test_the_filters_narrow_the_inbox_and_bad_ones_are_explained(region):
    with at(10):
        by_sms = file_case(region, channel="sms", title="Lewat SMS")
        by_web = file_case(region, title="Lewat web")
    services.case_verify(case=by_web, actor=region.petugas_siti, expected_version=by_web.version)
    client = client_for(region.petugas_siti)
    with at(10):
        page = client.get("/staf/kasus/?channel=sms").content.decode()
        assert "Lewat SMS" in page and "Lewat web" not in page
        page = client.get("/staf/kasus/?state=verified").content.decode()
        assert "Lewat web" in page and "Lewat SMS" not in page
        page = client.get("/staf/kasus/?deadline=due_soon").content.decode()
        assert "Lewat SMS" in page
        response = client.get("/staf/kasus/?deadline=kemarin&channel=merpati")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some filters were not understood" in page
    assert "Choose a deadline filter from the list." in page
    assert by_sms.report.public_number in page  # the bad filters are left out


def test_closed_cases_leave_the_inbox_unless_their_stage_is_asked_for(region):
    with at(10):
        case = file_case(region, title="Ditolak")
    services.case_reject(case=case, actor=region.petugas_siti, expected_version=1, reason="spam")
    client = client_for(region.petugas_siti)
    assert "Ditolak" not in client.get("/staf/kasus/").content.decode()
    assert "Ditolak" in client.get("/staf/kasus/?state=rejected").content.decode()


def test_a_bulk_action_reports_each_case_and_leaves_a_conflicting_one_untouched(region):
    with at(10):
        first = file_case(region, title="Pertama")
        second = file_case(region, title="Kedua")
        elsewhere = file_case(region, institution=region.sleman, unit=region.sleman_dukcapil)
    stale = second.version
    services.case_note_add(case=second, actor=region.admin_magelang, text="-")
    services.case_assign(
        case=second,
        actor=region.admin_magelang,
        expected_version=stale,
        officer=region.petugas_siti,
    )
    response = client_for(region.admin_magelang).post(
        "/staf/kasus/massal/",
        {
            "action": "verify",
            "selected": [
                f"{first.report.public_number}:{first.version}",
                f"{second.report.public_number}:{stale}",
                f"{elsewhere.report.public_number}:{elsewhere.version}",
            ],
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 of 3 reports done." in page
    assert page.count('data-outcome="ok"') == 1
    assert page.count('data-outcome="conflict"') == 1
    assert page.count('data-outcome="refused"') == 1
    assert AgencyCase.objects.get(pk=first.pk).state == "verified"
    assert AgencyCase.objects.get(pk=second.pk).state == "received"
    assert AgencyCase.objects.get(pk=elsewhere.pk).state == "received"


def test_a_bulk_assignment_to_an_officer(region):
    with at(10):
        cases = [file_case(region, title=f"Laporan {n}") for n in range(3)]
    response = client_for(region.admin_magelang).post(
        "/staf/kasus/massal/",
        {
            "action": "assign",
            "officer": region.petugas_siti.pk,
            "selected": [f"{case.report.public_number}:{case.version}" for case in cases],
        },
    )
    assert "3 of 3 reports done." in response.content.decode()
    assert set(
        AgencyCase.objects.filter(pk__in=[case.pk for case in cases]).values_list(
            "assigned_to", flat=True
        )
    ) == {region.petugas_siti.pk}


def test_a_bulk_action_without_a_selection_or_an_officer_is_explained(region):
    client = client_for(region.admin_magelang)
    response = client.post("/staf/kasus/massal/", {"action": "assign"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select at least one report." in page and "Choose the officer." in page


def test_people_who_are_not_staff_do_not_reach_the_inbox(region):
    assert client_for(region.warga_budi).get("/staf/kasus/").status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_the_inbox_takes_the_same_few_queries_however_many_cases(
    region, count, django_assert_max_num_queries
):
    with at(10):
        for n in range(count):
            case = file_case(region, title=f"Laporan {n}")
            services.case_assign(
                case=case,
                actor=region.admin_magelang,
                expected_version=case.version,
                officer=region.petugas_siti,
            )
    client = client_for(region.pimpinan_magelang)
    client.get("/staf/kasus/")  # warm the session and the caches
    with at(10), django_assert_max_num_queries(18):
        response = client.get("/staf/kasus/?sort=deadline")
    assert response.status_code == 200
    assert response.content.decode().count('name="selected"') == min(count, 25)


def test_paused_cases_are_counted_and_listed_under_their_own_filter(region):
    with at(10):
        running = file_case(region, title="Berjalan")
        paused = file_case(region, title="Menunggu pelapor")
        services.case_request_information(
            case=paused, actor=region.petugas_siti, expected_version=1, question="Foto?"
        )
        client = client_for(region.petugas_siti)
        page = client.get("/staf/kasus/").content.decode()
        assert running.report.public_number in page
        assert paused.report.public_number not in page
        assert 'data-count="paused"><strong>1</strong>' in page
        page = client.get("/staf/kasus/?deadline=paused").content.decode()
        assert paused.report.public_number in page and running.report.public_number not in page
