"""The reporter's page after the look-up: the stage, its deadline, and what the reporter may do
when the unit asks, resolves or closes: answer, confirm, dispute, rate."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.complaints.web_helpers import (
    ENGLISH,
    NOW,
    isolated_files_and_counters,  # noqa: F401  (autouse fixture)
    send_report,
)
from tuntas.audit.models import AuditEvent
from tuntas.cases import services as cases
from tuntas.cases.models import AgencyCase
from tuntas.complaints.models import ReportRating
from tuntas.complaints.views_tracking import TRACKING_COOKIE

pytestmark = pytest.mark.django_db


def english_client(address: str = "203.0.113.7") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies.load(ENGLISH)
    return client


@pytest.fixture
def sent(region):
    """Sent on Tuesday 1 December 2026; the browser that sent it may follow it."""
    client = english_client("192.0.2.1")
    sent = send_report(client, region)
    sent.client = client
    return sent


def look_up(sent) -> None:
    """The 30-minute grant again (tests that travel days ahead would find it expired)."""
    form = {"number": sent.number, "access_code": sent.access_code}
    assert sent.client.post("/lacak/", form).status_code == 302


def page(sent) -> str:
    look_up(sent)
    response = sent.client.get(f"/lacak/{sent.number}/")
    assert response.status_code == 200
    return response.content.decode()


def case_of(sent) -> AgencyCase:
    return AgencyCase.objects.get(report=sent.report)


def resolve(
    sent, region, summary: str = "Petugas loket ditegur; kartu BPJS ibu Anda diterima."
) -> None:
    case = case_of(sent)
    admin = region.admin_magelang
    cases.case_verify(case=case, actor=admin, expected_version=case.version)
    cases.case_disposition(
        case=case,
        actor=admin,
        expected_version=case.version,
        unit=region.magelang_dinkes,
        note="",
        complexity="simple",
    )
    cases.case_draft_response(
        case=case, actor=region.petugas_dinkes, expected_version=case.version, text=summary
    )
    cases.case_resolve(
        case=case, actor=region.petugas_dinkes, expected_version=case.version, summary=summary
    )


def confirmed(sent, region) -> None:
    resolve(sent, region)
    assert sent.client.post(f"/lacak/{sent.number}/konfirmasi/").status_code == 302


# --- The stage and its deadline ----------------------------------------------------------


def test_the_page_shows_the_stage_the_handling_unit_and_the_deadline_with_working_days_left(sent):
    html = page(sent)
    assert "Received \u2014 waiting for verification by the unit" in html
    assert "Pemerintah Kota Magelang" in html and "Puskesmas Jurangombo" in html
    # Verification: three working days from Tuesday 1 December.
    assert '<time datetime="2026-12-04">Friday, 4 December 2026</time>' in html
    assert "3 working days left" in html


def test_the_days_left_count_only_working_days(sent):
    with time_machine.travel(datetime.datetime(2026, 12, 3, 9, tzinfo=NOW.tzinfo)):
        assert "1 working day left" in page(sent)
    with time_machine.travel(datetime.datetime(2026, 12, 4, 9, tzinfo=NOW.tzinfo)):
        assert "due today" in page(sent)


def test_an_overdue_stage_says_by_how_many_working_days(sent):
    # Due Friday 4 December; on Tuesday 8 December Monday and Tuesday have passed.
    with time_machine.travel(datetime.datetime(2026, 12, 8, 9, tzinfo=NOW.tzinfo)):
        assert "overdue by 2 working days" in page(sent)


def test_the_handling_unit_follows_the_disposition(sent, region):
    case = case_of(sent)
    cases.case_verify(case=case, actor=region.admin_magelang, expected_version=case.version)
    cases.case_disposition(
        case=case,
        actor=region.admin_magelang,
        expected_version=case.version,
        unit=region.magelang_dinkes,
        note="",
        complexity="simple",
    )
    html = page(sent)
    assert "Assigned to a unit for handling" in html
    assert "Dinas Kesehatan" in html
    case.refresh_from_db()
    assert case.due_on.strftime("%-d %B %Y") in html


def test_while_the_unit_waits_for_the_reporter_the_deadline_is_paused_and_the_question_shown(
    sent, region
):
    case = case_of(sent)
    cases.case_request_information(
        case=case,
        actor=region.admin_magelang,
        expected_version=case.version,
        question="Di loket nomor berapa ibu Anda ditolak?",
    )
    html = page(sent)
    assert "The unit is waiting for information from you" in html
    assert "Di loket nomor berapa ibu Anda ditolak?" in html
    assert "Paused: waiting for your answer." in html
    assert "3 working days will be left when it resumes." in html
    assert "working days left" not in html

    # The answer resumes the clock with the days that were left.
    with time_machine.travel(datetime.datetime(2026, 12, 7, 9, tzinfo=NOW.tzinfo)):
        look_up(sent)
        answered = sent.client.post(f"/lacak/{sent.number}/tambah/", {"text": "Loket nomor 2."})
        assert answered.status_code == 302
        html = page(sent)
    case.refresh_from_db()
    assert case.state == "received" and case.due_on == datetime.date(2026, 12, 10)
    assert "Paused" not in html and "Thursday, 10 December 2026" in html
    assert AuditEvent.objects.filter(action="case.information_received").count() == 1


# --- Confirm or dispute ------------------------------------------------------------------


def test_after_the_resolution_the_reporter_reads_it_and_may_confirm(sent, region):
    resolve(sent, region)
    html = page(sent)
    assert "Resolved \u2014 the unit waits for your confirmation" in html
    assert "Petugas loket ditegur" in html
    assert "Is the problem solved?" in html and "No, I disagree with the resolution" in html

    response = sent.client.post(f"/lacak/{sent.number}/konfirmasi/")
    assert response.status_code == 302 and response["Location"] == f"/lacak/{sent.number}/"
    html = page(sent)
    assert "You confirmed the resolution and the report is closed." in html
    assert "Closed: you confirmed the resolution" in html
    assert "The reporter confirmed the resolution" in html  # on the public timeline
    assert case_of(sent).state == "confirmed"
    event = AuditEvent.objects.get(action="case.confirm")
    assert event.actor_id is None  # an anonymous look-up acts as the reporter, not as a user


def test_a_dispute_needs_a_reason_and_keeps_nothing_half_done(sent, region):
    resolve(sent, region)
    response = sent.client.post(f"/lacak/{sent.number}/sanggah/", {"reason": "   "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tell the unit what is still wrong." in html
    assert "Your objection was not sent yet." in html
    assert case_of(sent).state == "resolved"
    assert not AuditEvent.objects.filter(action="case.dispute").exists()


def test_a_dispute_with_a_reason_sends_the_report_back_to_the_unit(sent, region):
    resolve(sent, region)
    reason = "Ibu saya masih ditolak kemarin di loket yang sama."
    response = sent.client.post(f"/lacak/{sent.number}/sanggah/", {"reason": reason})
    assert response.status_code == 302
    html = page(sent)
    assert "Your objection was sent." in html
    assert "You disputed the resolution" in html
    case = case_of(sent)
    assert case.state == "disputed" and case.due_on is not None
    assert AuditEvent.objects.get(action="case.dispute").data["reason"] == reason
    assert "working days left" in html  # the follow-up stage has its own deadline


def test_confirming_before_anything_is_resolved_is_refused_with_a_clear_message(sent):
    response = sent.client.post(f"/lacak/{sent.number}/konfirmasi/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This is not possible now: the report is" in html and "Nothing was changed." in html
    assert case_of(sent).state == "received"
    assert not AuditEvent.objects.filter(action="case.confirm").exists()


def test_disputing_twice_is_refused_and_keeps_the_text(sent, region):
    resolve(sent, region)
    sent.client.post(f"/lacak/{sent.number}/sanggah/", {"reason": "Masih ditolak."})
    again = sent.client.post(f"/lacak/{sent.number}/sanggah/", {"reason": "Masih juga ditolak."})
    html = again.content.decode()
    assert again.status_code == 200
    assert "This is not possible now" in html and "Masih juga ditolak." in html
    assert AuditEvent.objects.filter(action="case.dispute").count() == 1


def test_without_the_grant_the_actions_show_the_look_up_form_and_change_nothing(sent, region):
    resolve(sent, region)
    stranger = english_client("198.51.100.50")
    for action, data in (
        ("konfirmasi/", {}),
        ("sanggah/", {"reason": "Saya orang lain."}),
        ("nilai/", {"score": "1"}),
    ):
        response = stranger.post(f"/lacak/{sent.number}/{action}", data)
        assert response.status_code == 200
        assert "Access code" in response.content.decode()
    assert case_of(sent).state == "resolved"
    assert not ReportRating.objects.exists()


# --- Satisfaction rating -----------------------------------------------------------------


def test_after_closure_the_reporter_rates_the_handling_once(sent, region):
    confirmed(sent, region)
    html = page(sent)
    assert "Rate the handling" in html
    assert "How satisfied are you with how your report was handled?" in html
    response = sent.client.post(
        f"/lacak/{sent.number}/nilai/", {"score": "4", "comment": "Cepat ditangani."}
    )
    assert response.status_code == 302
    html = page(sent)
    assert "Thank you for rating the handling of your report." in html
    assert "You rated the handling 4 out of 5." in html and "Cepat ditangani." in html
    assert "Send my rating" not in html
    rating = ReportRating.objects.get()
    assert (rating.report_id, rating.score, rating.comment) == (
        sent.report.pk,
        4,
        "Cepat ditangani.",
    )
    event = AuditEvent.objects.get(action="report.rated")
    assert event.data == {"score": 4, "with_comment": True}
    assert "The reporter rated the handling" in html  # on the public timeline


def test_rating_twice_is_refused_and_the_first_rating_stays(sent, region):
    confirmed(sent, region)
    sent.client.post(f"/lacak/{sent.number}/nilai/", {"score": "5"})
    again = sent.client.post(f"/lacak/{sent.number}/nilai/", {"score": "1", "comment": "Ubah."})
    assert again.status_code == 200
    assert "You have already rated this report." in again.content.decode()
    assert ReportRating.objects.get().score == 5
    assert AuditEvent.objects.filter(action="report.rated").count() == 1


@pytest.mark.parametrize("score", ["0", "6", "lima", ""])
def test_a_score_outside_one_to_five_is_refused_and_the_comment_kept(sent, region, score):
    confirmed(sent, region)
    response = sent.client.post(
        f"/lacak/{sent.number}/nilai/", {"score": score, "comment": "Komentar saya."}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a score from 1 to 5." in html
    assert "Your rating was not saved yet." in html
    assert "Komentar saya." in html
    assert not ReportRating.objects.exists()


def test_an_open_report_cannot_be_rated_yet(sent, region):
    resolve(sent, region)  # resolved, not closed: the reporter has not confirmed
    response = sent.client.post(f"/lacak/{sent.number}/nilai/", {"score": "3"})
    assert response.status_code == 200
    assert "You can rate the handling once the report is closed." in response.content.decode()
    assert not ReportRating.objects.exists()


def test_a_rejected_report_can_be_rated_and_shows_why_it_was_rejected(sent, region):
    case = case_of(sent)
    cases.case_reject(
        case=case,
        actor=region.admin_magelang,
        expected_version=case.version,
        reason="Bukan kewenangan Pemerintah Kota Magelang.",
    )
    html = page(sent)
    assert "Rejected by the institution" in html
    assert "Bukan kewenangan Pemerintah Kota Magelang." in html
    assert "None: handling has ended." in html
    assert "Add to the report" not in html
    assert sent.client.post(f"/lacak/{sent.number}/nilai/", {"score": "2"}).status_code == 302


def test_the_database_keeps_one_rating_per_report_and_scores_from_one_to_five(sent):
    ReportRating.objects.create(report=sent.report, score=3, created_at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportRating.objects.create(report=sent.report, score=4, created_at=NOW)
    ReportRating.objects.all().delete()
    for score in (0, 6):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReportRating.objects.create(report=sent.report, score=score, created_at=NOW)


# --- The grant -----------------------------------------------------------------------------


def test_a_look_up_writes_no_session(sent):
    client = english_client("198.51.100.60")
    before = Session.objects.count()
    response = client.post("/lacak/", {"number": sent.number, "access_code": sent.access_code})
    assert response.status_code == 302
    assert Session.objects.count() == before
    assert TRACKING_COOKIE in response.cookies
    cookie = response.cookies[TRACKING_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "Puskesmas menolak" in client.get(f"/lacak/{sent.number}/").content.decode()


def test_a_forged_or_altered_grant_opens_nothing(sent):
    client = english_client("198.51.100.61")
    response = client.post("/lacak/", {"number": sent.number, "access_code": sent.access_code})
    value = response.cookies[TRACKING_COOKIE].value
    client.cookies[TRACKING_COOKIE] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    assert "Puskesmas menolak" not in client.get(f"/lacak/{sent.number}/").content.decode()
    forged = english_client("198.51.100.62")
    forged.cookies[TRACKING_COOKIE] = f'{{"{sent.report.pk}": 99999999999}}'
    assert "Puskesmas menolak" not in forged.get(f"/lacak/{sent.number}/").content.decode()


def test_a_look_up_stays_within_its_query_budget(sent):
    client = english_client("198.51.100.63")
    form = {"number": sent.number, "access_code": sent.access_code}
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/lacak/", form).status_code == 302
    # The report by its number, nothing else: no session, no write.
    assert len(queries) <= 1, [query["sql"][:80] for query in queries]


def test_a_closed_report_cannot_be_withdrawn_and_the_reason_is_kept(sent, region):
    confirmed(sent, region)
    response = sent.client.post(
        f"/lacak/{sent.number}/tarik/", {"reason": "Berubah pikiran.", "confirm": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Handling of this report has ended; there is nothing left to withdraw." in html
    assert "Berubah pikiran." in html
    sent.report.refresh_from_db()
    assert sent.report.status == "received" and case_of(sent).state == "confirmed"
