"""The staff pages: the office's list, the case page with its steps, letters to download."""

from __future__ import annotations

import datetime

import pytest

from tests.ombudsman.helpers import ombudsman_case
from tuntas.ombudsman import services_verification as verification
from tuntas.sla.services import holidays_import


@pytest.fixture(autouse=True)
def setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    holidays_import(year=2026)


def signed_in(client, user):
    client.cookies["tuntas_language"] = "en"
    client.force_login(user)
    return client


def test_the_office_lists_its_cases_and_another_office_gets_404_on_one(client, region):
    case = ombudsman_case(region)
    number = case.report.public_number
    page = signed_in(client, region.asisten_andi).get("/staf/ombudsman/?track=regular")
    assert page.status_code == 200 and number in page.content.decode()
    client.logout()
    signed_in(client, region.asisten_diy)
    assert number not in client.get("/staf/ombudsman/").content.decode()
    assert client.get(f"/staf/ombudsman/kasus/{number}/").status_code == 404


def test_a_step_with_a_stale_version_shows_the_conflict_and_keeps_the_input(client, region):
    case = ombudsman_case(region)
    signed_in(client, region.asisten_andi)
    url = f"/staf/ombudsman/kasus/{case.report.public_number}/langkah/request_completeness/"
    response = client.post(
        url,
        {
            "request_completeness-expected_version": case.version + 5,
            "request_completeness-missing_items": "Salinan KTP",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Someone else changed this case" in body and "Salinan KTP" in body
    ok = client.post(
        url,
        {
            "request_completeness-expected_version": case.version,
            "request_completeness-missing_items": "Salinan KTP",
        },
    )
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.state == "completeness_requested"


def test_an_impossible_step_lists_the_allowed_ones(client, region):
    case = ombudsman_case(region)
    signed_in(client, region.asisten_andi)
    response = client.post(
        f"/staf/ombudsman/kasus/{case.report.public_number}/langkah/lahp_issue/",
        {"lahp_issue-expected_version": case.version},
    )
    assert response.status_code == 400
    assert "Possible next steps" in response.content.decode()


def test_a_formal_verification_without_a_check_explains_what_is_missing(client, region):
    case = ombudsman_case(region)
    signed_in(client, region.asisten_andi)
    response = client.post(
        f"/staf/ombudsman/kasus/{case.report.public_number}/langkah/formal_verify/",
        {"formal_verify-expected_version": case.version},
    )
    assert response.status_code == 400 and "formal check" in response.content.decode()
    verification.ombudsman_formal_check_record(
        case=case,
        actor=region.asisten_andi,
        identity_confirmed=True,
        chronology_clear=True,
        prior_complaint=True,
        within_two_years=True,
    )


def test_a_letter_is_generated_and_downloaded_as_an_attachment_by_the_office_only(client, region):
    case = ombudsman_case(region)
    signed_in(client, region.asisten_andi)
    response = client.post(
        f"/staf/ombudsman/kasus/{case.report.public_number}/surat/", {"kind": "tanda_terima"}
    )
    assert response.status_code == 302
    letter = case.letters.get()
    download = client.get(f"/staf/ombudsman/surat/{letter.pk}/unduh/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    client.logout()
    signed_in(client, region.asisten_diy)
    assert client.get(f"/staf/ombudsman/surat/{letter.pk}/unduh/").status_code == 404


def test_the_assistant_walks_a_case_to_closure_through_the_page_forms(client, region):
    from tests.ombudsman.helpers import at
    from tuntas.ombudsman.models import SubstanceCategory

    case = ombudsman_case(region)
    number = case.report.public_number
    signed_in(client, region.asisten_andi)

    def take(step: str, **fields):
        case.refresh_from_db()
        data = {f"{step}-expected_version": case.version}
        data.update({f"{step}-{name}": value for name, value in fields.items()})
        response = client.post(f"/staf/ombudsman/kasus/{number}/langkah/{step}/", data)
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert response["Location"] == f"/staf/ombudsman/kasus/{number}/"

    with at(11):
        page = client.get(f"/staf/ombudsman/kasus/{number}/").content.decode()
        assert "Record the formal check" in page and "Pass the formal verification" in page
        take(
            "formal_check",
            identity_confirmed="on",
            chronology_clear="on",
            prior_complaint="on",
            within_two_years="on",
            power_of_attorney="not_needed",
            note="",
        )
        take("formal_verify")
        take(
            "material_check",
            within_authority="on",
            not_before_court="on",
            not_already_reported="on",
            not_resolved="on",
            agency_time_passed="on",
            note="",
        )
        take("material_verify")
        take("plenary", outcome="examine", held_on="2026-03-11", minutes="Diperiksa.", attendees="")
        take("clarification_request", kind="written", questions="Mohon penjelasan.")
        take(
            "lahp_draft",
            conclusion="not_found",
            summary="Uraian",
            findings="Hasil",
            opinion="Pendapat",
            substance=SubstanceCategory.objects.get(code="kesehatan").pk,
            corrective_actions="",
        )
    with at(25):
        client.logout()
        signed_in(client, region.asisten_andi)  # the session of 11 March has expired
        refused = client.post(
            f"/staf/ombudsman/kasus/{number}/langkah/lahp_issue/",
            {"lahp_issue-expected_version": case.version},
        )
        assert (
            refused.status_code == 400
            and "The reporter may respond until" in refused.content.decode()
        )
    with at(26):
        client.logout()
        signed_in(client, region.asisten_andi)
        take("lahp_issue")
        page = client.get(f"/staf/ombudsman/kasus/{number}/").content.decode()
    case.refresh_from_db()
    assert case.state == "closed"
    assert "The final report was issued" in page  # the timeline
    assert "Possible next steps" not in page


def test_a_form_error_keeps_what_was_typed(client, region):
    case = ombudsman_case(region)
    signed_in(client, region.asisten_andi)
    response = client.post(
        f"/staf/ombudsman/kasus/{case.report.public_number}/langkah/close_formal/",
        {"close_formal-expected_version": case.version, "close_formal-reason": ""},
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_the_case_page_shows_the_record_in_plain_words_and_the_rahasia_identity_to_the_office_only(
    client, region
):
    from tests.complaints.test_report_submit import CANARY_NAME

    case = ombudsman_case(region)
    verification.ombudsman_formal_check_record(
        case=case,
        actor=region.asisten_andi,
        identity_confirmed=True,
        chronology_clear=False,
        prior_complaint=True,
        within_two_years=True,
    )
    signed_in(client, region.asisten_andi)
    page = client.get(f"/staf/ombudsman/kasus/{case.report.public_number}/").content.decode()
    assert "the events are described in detail" in page
    assert (
        CANARY_NAME in page
    )  # the Ombudsman may read a confidential identity (UU 37/2008 Ps 24(2))


def test_the_list_filters_by_stage_track_deadline_and_assignee(client, region):
    from tuntas.ombudsman.services import ombudsman_case_assign

    regular = ombudsman_case(region)
    fast = ombudsman_case(
        region, track="rco", rco_criterion="hak_hidup", draft={"title": "Air mati"}
    )
    ombudsman_case_assign(
        case=fast,
        actor=region.kepala_jateng,
        expected_version=fast.version,
        assistant=region.asisten_andi,
    )
    from tests.ombudsman.helpers import at

    def listed(query: str) -> set[str]:
        body = client.get(f"/staf/ombudsman/?{query}").content.decode()
        return {
            case.report.public_number
            for case in (regular, fast)
            if case.report.public_number in body
        }

    both = {regular.report.public_number, fast.report.public_number}
    with at(12):  # the fast track's first day ran out on 11 March; the regular one is due 7 April
        signed_in(client, region.asisten_andi)
        assert listed("") == both
        assert listed("track=rco") == {fast.report.public_number}
        assert listed("mine=on") == {fast.report.public_number}
        assert listed("state=examination") == set()
        assert listed("deadline=overdue") == {fast.report.public_number}
        assert listed("deadline=week") == set()
        assert listed("track=nonsense") == both  # an unknown filter is ignored, with a notice


def test_the_case_page_renders_in_monitoring_and_recommendation_with_their_steps(client, region):
    from tests.ombudsman.helpers import at
    from tests.ombudsman.test_track import draft, to_examination
    from tuntas.ombudsman import services_examination as exam
    from tuntas.ombudsman import services_outcome as outcome
    from tuntas.ombudsman.models import MaladministrationType

    case = ombudsman_case(region)
    url = f"/staf/ombudsman/kasus/{case.report.public_number}/"
    with at(11):
        to_examination(case, region.asisten_andi)
        exam.ombudsman_summons_record(
            case=case,
            actor=region.asisten_andi,
            expected_version=case.version,
            person="Kepala Puskesmas",
            scheduled_at=datetime.datetime(2026, 3, 12, 2, tzinfo=datetime.UTC),
            place="Kantor Ombudsman",
        )
        case.refresh_from_db()
        signed_in(client, region.asisten_andi)
        page = client.get(url).content.decode()
        assert "Record attendance at a summons" in page and "Draft the final report (LAHP)" in page
        draft(
            case,
            region.asisten_andi,
            "found",
            region,
            maladministration_types=[MaladministrationType.objects.get(code="tidak-patut")],
            corrective_actions=[
                outcome.CorrectiveItem(description="Menerbitkan SOP.", owner=region.magelang)
            ],
        )
    with at(26):
        outcome.ombudsman_lahp_issue(
            case=case, actor=region.kepala_jateng, expected_version=case.version
        )
        client.logout()
        signed_in(client, region.asisten_andi)
        page = client.get(url).content.decode()
        assert "Record a corrective action as done" in page and "Issue a recommendation" in page
        assert "Menerbitkan SOP." in page
    with at(5, month=5):
        outcome.ombudsman_recommendation_issue(
            case=case,
            actor=region.kepala_jateng,
            expected_version=case.version,
            addressee="Wali Kota",
            content="SOP",
        )
        client.logout()
        signed_in(client, region.asisten_andi)
        page = client.get(url).content.decode()
        assert "Close after the recommendation" in page and "Wali Kota" in page
