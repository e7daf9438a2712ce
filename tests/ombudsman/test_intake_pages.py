"""The office's intake pages: a citizen at the counter, an own-initiative investigation, an offered case."""

from __future__ import annotations

import pytest
import time_machine

from tests.cases.test_agency_track import TUESDAY
from tests.complaints.test_report_submit import draft_for
from tuntas.cases import services as agency
from tuntas.cases.models import AgencyCase
from tuntas.complaints.models import Category
from tuntas.complaints.services_intake import report_submit
from tuntas.ombudsman.models import OmbudsmanCase
from tuntas.sla.services import holidays_import


@pytest.fixture(autouse=True)
def setup(db):
    holidays_import(year=2026)


def signed_in(client, user):
    client.cookies["tuntas_language"] = "en"
    client.force_login(user)
    return client


def base_fields(region, **extra):
    fields = {
        "institution": region.magelang.pk,
        "unit": region.magelang_puskesmas.pk,
        "category": Category.objects.get(slug="kesehatan").pk,
        "title": "Pasien ditolak",
        "description": "Pasien BPJS ditolak di loket pendaftaran tanpa penjelasan.",
        "occurred_on": "",
        "channel": "walk_in",
    }
    fields.update(extra)
    return fields


def test_a_citizen_at_the_counter_gets_a_number_and_code_once_and_the_case_opens_here(
    client, region
):
    signed_in(client, region.asisten_andi)
    response = client.post(
        "/staf/ombudsman/baru/",
        base_fields(
            region,
            identity_mode="rahasia",
            name="Sri Wahyuni",
            nik="",
            phone="",
            email="sri@contoh.test",
            address="",
            consent="on",
            track="rco",
            rco_criterion="keselamatan_jiwa",
        ),
    )
    assert (
        response.status_code == 302 and response["Location"] == "/staf/ombudsman/baru/tanda-terima/"
    )
    case = OmbudsmanCase.objects.get()
    assert case.office == region.jateng and case.track == "rco" and case.report.channel == "walk_in"
    assert case.report.entered_by == region.asisten_andi
    receipt = client.get("/staf/ombudsman/baru/tanda-terima/").content.decode()
    assert "Access code" in receipt
    assert client.get("/staf/ombudsman/baru/tanda-terima/").status_code == 302  # shown once


def test_a_missing_consent_is_explained_and_the_input_kept(client, region):
    signed_in(client, region.asisten_andi)
    response = client.post(
        "/staf/ombudsman/baru/",
        base_fields(
            region, identity_mode="terbuka", name="Sri Wahyuni", track="regular", rco_criterion=""
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "privacy notice" in body and "Pasien ditolak" in body
    assert not OmbudsmanCase.objects.exists()


def test_an_office_cannot_take_in_a_report_about_an_institution_it_does_not_cover(client, region):
    signed_in(client, region.asisten_andi)
    response = client.post(
        "/staf/ombudsman/prakarsa-sendiri/",
        base_fields(region, institution=region.sleman.pk, unit=""),
    )
    assert response.status_code == 200 and not OmbudsmanCase.objects.exists()


def test_an_own_initiative_investigation_opens_from_its_page(client, region):
    signed_in(client, region.asisten_andi)
    response = client.post(
        "/staf/ombudsman/prakarsa-sendiri/", base_fields(region, channel="phone")
    )
    case = OmbudsmanCase.objects.get()
    assert response["Location"] == f"/staf/ombudsman/kasus/{case.report.public_number}/"
    assert case.source == "own_initiative" and case.report.identity_mode == "anonim"


def test_an_offered_agency_case_is_taken_over_by_the_office_that_covers_it(client, region):
    with time_machine.travel(TUESDAY, tick=False):
        submitted = report_submit(draft=draft_for(region), channel="web")
        agency_case = AgencyCase.objects.get(report=submitted.report)
        agency.case_escalate(case=agency_case, actor=None, reason="overdue")
        agency.case_offer_to_ombudsman(case=agency_case)
    number = submitted.report.public_number
    signed_in(client, region.asisten_diy)
    refused = client.post("/staf/ombudsman/ambil-alih/", {"number": number})
    assert refused.status_code == 200 and "No report with this number" in refused.content.decode()
    client.logout()
    signed_in(client, region.asisten_andi)
    response = client.post("/staf/ombudsman/ambil-alih/", {"number": number})
    assert response["Location"] == f"/staf/ombudsman/kasus/{number}/"
    agency_case.refresh_from_db()
    assert agency_case.state == "referred_to_ombudsman"
    assert OmbudsmanCase.objects.get().source == "escalated"


def test_the_intake_pages_are_not_for_partner_staff(client, region):
    signed_in(client, region.admin_magelang)
    for path in (
        "/staf/ombudsman/baru/",
        "/staf/ombudsman/prakarsa-sendiri/",
        "/staf/ombudsman/ambil-alih/",
    ):
        assert client.get(path).status_code == 404
