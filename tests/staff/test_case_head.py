"""The head's view across the institution's units: counts, the approval queue, escalations."""

from __future__ import annotations

import pytest
import time_machine

from tests.staff.cases_helpers import TUESDAY, case_url, client_for, file_case
from tuntas.cases import services
from tuntas.cases.models import AgencyCase
from tuntas.institutions.services import institution_update
from tuntas.sla.services import holidays_import


@pytest.fixture(autouse=True)
def calendar(db):
    holidays_import(year=2026)


def at(day: int):
    return time_machine.travel(TUESDAY.replace(day=day), tick=False)


def awaiting_approval(region, title="Menunggu"):
    with at(10):
        case = file_case(region, title=title)
        services.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
        services.case_disposition(
            case=case,
            actor=region.admin_magelang,
            expected_version=case.version,
            unit=region.magelang_pupr,
            note="",
            complexity="simple",
        )
        services.case_draft_response(
            case=case,
            actor=region.petugas_siti,
            expected_version=case.version,
            text="Sudah diperbaiki.",
        )
        services.case_submit_for_approval(
            case=case, actor=region.petugas_siti, expected_version=case.version
        )
    return case


def test_the_head_sees_counts_per_unit_the_approval_queue_and_escalations(region):
    institution_update(
        actor=region.admin_rina, institution=region.magelang, requires_head_approval=True
    )
    waiting = awaiting_approval(region)
    with at(10):
        file_case(region, unit=region.magelang_dinkes, title="Dinkes")
        escalated = file_case(region, title="Dieskalasi")
    services.case_escalate(
        case=escalated, actor=region.pimpinan_magelang, reason="lama", expected_version=1
    )
    with at(10):
        page = client_for(region.pimpinan_magelang).get("/staf/kasus/pimpinan/").content.decode()
    assert "Pemerintah Kota Magelang" in page
    assert (
        f'data-unit="{region.magelang_pupr.pk}"><th scope="row"><a href="/staf/kasus/?unit={region.magelang_pupr.pk}">'
        in page
    )
    assert 'data-total="open">3<' in page
    assert 'data-total="awaiting_approval">1<' in page
    queue = page.split("Responses waiting for your approval")[1].split("Escalated and disputed")[0]
    assert waiting.report.public_number in queue and "Sudah diperbaiki." in queue
    assert escalated.report.public_number in page.split("Escalated and disputed")[1]


def test_the_head_approves_from_the_queue(region):
    institution_update(
        actor=region.admin_rina, institution=region.magelang, requires_head_approval=True
    )
    case = awaiting_approval(region)
    response = client_for(region.pimpinan_magelang).post(
        case_url(case, "approve"),
        {"approve-expected_version": case.version, "approve-summary": "Sudah diperbaiki."},
    )
    assert response.status_code == 302
    case = AgencyCase.objects.get(pk=case.pk)
    assert case.state == "resolved"


def test_the_head_returns_a_response_for_revision(region):
    case = awaiting_approval(region)
    response = client_for(region.pimpinan_magelang).post(
        case_url(case, "return_for_revision"),
        {
            "return_for_revision-expected_version": case.version,
            "return_for_revision-note": "Lengkapi foto.",
        },
    )
    assert response.status_code == 302
    assert AgencyCase.objects.get(pk=case.pk).state == "in_follow_up"


def test_officers_do_not_reach_the_heads_view(region):
    assert client_for(region.petugas_siti).get("/staf/kasus/pimpinan/").status_code == 404
    assert client_for(region.admin_magelang).get("/staf/kasus/pimpinan/").status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_the_heads_view_takes_the_same_few_queries_however_many_cases(
    region, count, django_assert_max_num_queries
):
    for n in range(count):
        awaiting_approval(region, title=f"Menunggu {n}")
    client = client_for(region.pimpinan_magelang)
    client.get("/staf/kasus/pimpinan/")
    with at(10), django_assert_max_num_queries(16):
        response = client.get("/staf/kasus/pimpinan/")
    assert response.content.decode().count("Approve and resolve") == count
