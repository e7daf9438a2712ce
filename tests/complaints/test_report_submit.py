"""One pipeline for every channel: what report_submit stores, protects and refuses."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tuntas.audit.models import AuditEvent
from tuntas.complaints import codes
from tuntas.complaints.identity import Identity
from tuntas.complaints.models import Category, Report, ReporterIdentity
from tuntas.complaints.selectors import (
    report_get_for_tracking,
    report_identity_for,
    report_public_timeline,
    reports_visible_to,
)
from tuntas.complaints.services import report_withdraw
from tuntas.complaints.services_intake import (
    ReportDraft,
    report_prepare,
    report_submit,
    report_submit_prepared,
)
from tuntas.notifications.models import Notification
from tuntas.notifications.services import notification_text

CANARY_NAME = "Kanari Wibisono Sastrowardoyo"
CANARY_NIK = "3371015708850003"


def draft_for(region, **overrides) -> ReportDraft:
    values = {
        "institution": region.magelang,
        "unit": region.magelang_puskesmas,
        "category": Category.objects.get(slug="kesehatan"),
        "title": "Puskesmas menolak pasien BPJS",
        "description": "Ibu saya ditolak di loket pendaftaran karena kartu BPJS dianggap tidak aktif.",
        "identity_mode": "rahasia",
        "identity": Identity(
            name=CANARY_NAME, nik=CANARY_NIK, phone="0812-3456-7890", email="kanari@contoh.test"
        ),
        "consent": True,
    }
    values.update(overrides)
    return ReportDraft(**values)


def test_a_report_gets_a_readable_number_and_a_secret_code_stored_only_as_a_hash(region):
    submitted = report_submit(draft=draft_for(region), channel="web")
    report = submitted.report
    assert codes.PUBLIC_NUMBER_PATTERN.match(report.public_number)
    assert len(submitted.access_code) == 16  # 80 bits
    assert submitted.access_code not in report.access_code_hash
    assert report.access_code_hash == codes.hash_access_code(submitted.access_code)


def test_the_report_its_audit_event_and_its_receipt_commit_together(region):
    submitted = report_submit(draft=draft_for(region), channel="web")
    event = AuditEvent.objects.get(action="report.submitted")
    assert event.object_id == str(submitted.report.pk)
    assert event.institution_id == region.magelang.pk
    notification = Notification.objects.get(report_id=submitted.report.pk)
    assert notification.channel == "email"
    assert submitted.formatted_access_code in notification_text(notification)


def test_a_confidential_identity_is_encrypted_at_rest(region):
    report_submit(draft=draft_for(region), channel="web")
    row = ReporterIdentity.objects.get()
    assert CANARY_NAME not in row.sealed and CANARY_NIK not in row.sealed
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sealed, email_digest, phone_digest, nik_digest FROM complaints_reporteridentity"
        )
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert CANARY_NAME not in raw and CANARY_NIK not in raw and "kanari@contoh.test" not in raw
    recipients = " ".join(Notification.objects.values_list("sealed_recipient", flat=True))
    assert "kanari@contoh.test" not in recipients


def test_the_access_code_is_stored_nowhere_in_plain_text_not_even_in_the_queued_receipt(region):
    submitted = report_submit(draft=draft_for(region), channel="web")
    assert submitted.formatted_access_code in notification_text(Notification.objects.get())
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject, body, sealed_body FROM notifications_notification")
        raw = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert submitted.access_code not in raw and submitted.formatted_access_code not in raw


def test_an_anonymous_report_stores_nothing_about_the_reporter_even_if_typed(region):
    submitted = report_submit(
        draft=draft_for(region, identity_mode="anonim", consent=False), channel="web"
    )
    assert not ReporterIdentity.objects.filter(report=submitted.report).exists()
    assert not Notification.objects.exists()
    assert report_identity_for(actor=region.asisten_andi, report=submitted.report) is None


@pytest.mark.parametrize(
    ("persona", "sees_identity"),
    [
        ("petugas_dinkes", False),
        ("admin_magelang", False),
        ("pimpinan_magelang", False),
        ("asisten_andi", True),
        ("kepala_jateng", True),
        ("asisten_diy", False),
        ("petugas_purworejo", False),
    ],
)
def test_a_confidential_identity_is_read_only_by_the_ombudsman_and_the_privacy_officer(
    region, persona, sees_identity
):
    submitted = report_submit(draft=draft_for(region), channel="web")
    shown = report_identity_for(actor=getattr(region, persona), report=submitted.report)
    if sees_identity:
        assert isinstance(shown, Identity) and shown.name == CANARY_NAME
    else:
        assert shown == "Pelapor dirahasiakan"


def test_the_receiving_institutions_privacy_officer_reads_a_confidential_identity(region):
    from tests.factories import staff_member

    officer = staff_member(
        role="petugas_privasi", institution=region.magelang, email="privasi@contoh.test"
    )
    submitted = report_submit(draft=draft_for(region), channel="web")
    shown = report_identity_for(actor=officer, report=submitted.report)
    assert isinstance(shown, Identity) and shown.nik == CANARY_NIK


def test_an_open_identity_is_seen_by_the_handling_staff(region):
    submitted = report_submit(draft=draft_for(region, identity_mode="terbuka"), channel="web")
    shown = report_identity_for(actor=region.petugas_dinkes, report=submitted.report)
    assert isinstance(shown, Identity) and shown.name == CANARY_NAME


def test_officers_see_the_reports_of_their_scope_only(region):
    submitted = report_submit(draft=draft_for(region), channel="web")
    assert reports_visible_to(region.petugas_dinkes).filter(pk=submitted.report.pk).exists()
    assert not reports_visible_to(region.petugas_siti).filter(pk=submitted.report.pk).exists()
    assert not reports_visible_to(region.petugas_purworejo).filter(pk=submitted.report.pk).exists()
    assert reports_visible_to(region.asisten_andi).filter(pk=submitted.report.pk).exists()


def test_tracking_needs_both_the_number_and_the_code_and_forgives_formatting(region):
    submitted = report_submit(draft=draft_for(region), channel="web")
    number = codes.format_public_number(submitted.report.public_number).lower()
    code = submitted.formatted_access_code.lower().replace("-", " ")
    assert report_get_for_tracking(number=number, access_code=code) == submitted.report
    assert report_get_for_tracking(number=number, access_code="A" * 16) is None
    assert report_get_for_tracking(number="LM-26AAAA-AAAA", access_code=code) is None
    assert report_get_for_tracking(number="'; DROP TABLE x", access_code=code) is None


def test_ten_thousand_guessed_codes_find_nothing(region):
    submitted = report_submit(draft=draft_for(region), channel="web")
    hits = sum(
        report_get_for_tracking(
            number=submitted.report.public_number, access_code=codes.new_access_code()
        )
        is not None
        for _guess in range(10_000)
    )
    assert hits == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"description": "pendek"}, "description"),
        ({"identity_mode": "rahasia", "identity": None}, "name"),
        ({"consent": False}, "consent"),
        ({"identity": Identity(name="Budi", nik="12345")}, "nik"),
        ({"identity": Identity(name="Budi", email="bukan-email")}, "email"),
        ({"occurred_on": datetime.date(2999, 1, 1)}, "occurred_on"),
        ({"complained_on": datetime.date(2026, 1, 5)}, "complained_on"),
        ({"latitude": "-7.47"}, "latitude"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(region, overrides, field):
    with pytest.raises(ValidationError) as error:
        report_submit(draft=draft_for(region, **overrides), channel="web")
    assert field in error.value.message_dict
    assert not Report.objects.exists()
    assert not AuditEvent.objects.filter(action="report.submitted").exists()


def test_a_unit_of_another_institution_is_refused(region):
    with pytest.raises(ValidationError) as error:
        report_submit(draft=draft_for(region, unit=region.purworejo_dinkes), channel="web")
    assert "unit" in error.value.message_dict


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False)
def test_an_event_over_two_years_old_is_accepted_and_flagged(region):
    submitted = report_submit(
        draft=draft_for(region, occurred_on=datetime.date(2024, 11, 1)), channel="web"
    )
    event = AuditEvent.objects.get(action="report.submitted", object_id=str(submitted.report.pk))
    assert event.data["past_ombudsman_time_limit"] is True


def test_a_failure_inside_the_transaction_leaves_no_report_and_no_event(region, monkeypatch):
    from tuntas.complaints import services_intake as services

    def broken_queue(**kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr(services, "notification_queue", broken_queue)
    with pytest.raises(RuntimeError):
        report_submit(draft=draft_for(region), channel="web")
    assert not Report.objects.exists()
    assert not ReporterIdentity.objects.exists()
    assert not AuditEvent.objects.filter(action="report.submitted").exists()


def test_withdrawing_shows_on_the_public_timeline(region):
    submitted = report_submit(draft=draft_for(region), channel="web")
    report_withdraw(report=submitted.report, reason="Sudah dilayani")
    labels = [label for _event, label in report_public_timeline(report=submitted.report)]
    assert len(labels) == 4  # received, handling started, report withdrawn, case closed
    assert submitted.report.status == "withdrawn"
    assert submitted.report.agency_case.state == "withdrawn"


def test_the_same_channel_message_cannot_become_two_reports(region):
    from django.db import IntegrityError

    report_submit(draft=draft_for(region, channel_reference="sms-123"), channel="sms")
    with pytest.raises(IntegrityError):
        report_submit(draft=draft_for(region, channel_reference="sms-123"), channel="sms")
    assert Report.objects.count() == 1


# --- Prepared first, then stored in a short transaction ------------------------------------


def test_preparing_a_report_stores_nothing(region):
    events = AuditEvent.objects.count()  # the region's own setup wrote some
    prepared = report_prepare(draft=draft_for(region), channel="web")
    assert prepared.report.pk is None
    assert codes.PUBLIC_NUMBER_PATTERN.match(prepared.report.public_number)
    assert not Report.objects.exists()
    assert not ReporterIdentity.objects.exists()
    assert AuditEvent.objects.count() == events
    assert not Notification.objects.exists()


def test_a_prepared_report_is_stored_as_prepared_with_its_receipt(region):
    prepared = report_prepare(draft=draft_for(region), channel="web")
    submitted = report_submit_prepared(prepared=prepared)
    report = Report.objects.get()
    assert report.public_number == prepared.report.public_number
    assert report.access_code_hash == codes.hash_access_code(submitted.access_code)
    shown = report_identity_for(actor=region.asisten_andi, report=report)
    assert isinstance(shown, Identity) and shown.name == CANARY_NAME
    notification = Notification.objects.get(report_id=report.pk)
    assert codes.format_public_number(report.public_number) in notification_text(notification)
    assert submitted.formatted_access_code in notification_text(notification)


def test_storing_a_prepared_report_reads_no_deadline_calendar_or_policy(region):
    prepared = report_prepare(draft=draft_for(region), channel="web")
    with CaptureQueriesContext(connection) as queries:
        submitted = report_submit_prepared(prepared=prepared)
    statements = " ".join(query["sql"] for query in queries.captured_queries)
    assert "sla_holidaydate" not in statements and "sla_deadlinepolicy" not in statements
    assert submitted.report.agency_case.due_on is not None


@pytest.mark.parametrize("inside_a_transaction", [False, True], ids=["alone", "nested"])
def test_a_clashing_report_number_is_drawn_again_and_the_receipt_tells_the_new_one(
    region, monkeypatch, inside_a_transaction
):
    taken = report_submit(draft=draft_for(region), channel="web").report.public_number
    fresh = iter([taken, "LM-26AAAA2222"])
    monkeypatch.setattr(codes, "new_public_number", lambda: next(fresh))
    if inside_a_transaction:  # as the API calls it, inside its idempotency transaction
        with transaction.atomic():
            submitted = report_submit(draft=draft_for(region), channel="web")
    else:
        submitted = report_submit(draft=draft_for(region), channel="web")
    assert submitted.report.public_number == "LM-26AAAA2222"
    assert Report.objects.count() == 2
    notification = Notification.objects.get(report_id=submitted.report.pk)
    assert codes.format_public_number("LM-26AAAA2222") in notification_text(notification)
    assert codes.format_public_number(taken) not in notification_text(notification)
