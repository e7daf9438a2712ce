"""The outbox: messages leave only after their transaction commits, once, and failures show."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from tuntas.audit.models import AuditEvent
from tuntas.core.sealing import seal_text
from tuntas.notifications.gateways import GatewayError
from tuntas.notifications.models import Notification, NotificationStatus
from tuntas.notifications.selectors import notifications_failed_for
from tuntas.notifications.services import (
    MAX_ATTEMPTS,
    SENDING_LEASE,
    mask_recipient,
    notification_queue,
    notification_send,
    notifications_stale,
)

EMAIL = "kanari.wibisono@contoh.test"
PHONE = "6281234567890"
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


class BrokenGateway:
    calls = 0

    def send(self, *, channel: str, to: str, body: str, reference: str = "") -> str:
        BrokenGateway.calls += 1
        raise GatewayError(f"gateway refused {to}")


class CrashingGateway:
    def send(self, *, channel: str, to: str, body: str, reference: str = "") -> str:
        raise RuntimeError("a bug in the adapter")


def queue_email(**extra) -> Notification:
    with transaction.atomic():
        return notification_queue(
            channel="email", to=EMAIL, subject="Laporan diterima", body="Terima kasih.", **extra
        )


def queue_sms(**extra) -> Notification:
    with transaction.atomic():
        return notification_queue(channel="sms", to=PHONE, body="Laporan diterima.", **extra)


@pytest.mark.django_db(transaction=True)
def test_a_message_leaves_only_after_its_transaction_commits():
    with transaction.atomic():
        notification = notification_queue(channel="email", to=EMAIL, subject="S", body="B")
        assert mail.outbox == []  # still inside the transaction
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_message_is_sealed_at_rest_and_delivered_as_written():
    text = "Kode akses Anda 7K2M-9QXD-4HTB-8WNC."
    with transaction.atomic():
        notification = notification_queue(channel="email", to=EMAIL, subject="S", body=text)
    stored = Notification.objects.values("body", "sealed_body").get(pk=notification.pk)
    assert stored["body"] == "" and "7K2M" not in stored["sealed_body"]
    assert [message.body for message in mail.outbox] == [text]


@pytest.mark.django_db(transaction=True)
def test_a_message_queued_before_texts_were_sealed_is_still_delivered():
    legacy = Notification.objects.create(
        channel="email", sealed_recipient=seal_text(EMAIL), subject="S", body="Teks lama."
    )
    notification_send(notification_id=legacy.pk)
    assert [message.body for message in mail.outbox] == ["Teks lama."]


@pytest.mark.django_db(transaction=True)
def test_a_message_is_not_sent_when_its_transaction_rolls_back():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        notification_queue(channel="email", to=EMAIL, subject="S", body="B")
        1 / 0  # noqa: B018
    assert mail.outbox == []
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_queue_after_commit_does_not_undo_or_break_the_committed_change(settings):
    settings.MESSAGE_GATEWAY = f"{__name__}.BrokenGateway"
    with transaction.atomic():  # the immediate test queue runs the failing task at commit
        notification = notification_queue(channel="sms", to=PHONE, body="B")
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.QUEUED
    assert notification.attempts >= 1


@pytest.mark.django_db
def test_a_message_is_sent_once_even_if_its_task_runs_twice():
    from tuntas.notifications.tasks import notification_send_task

    notification = queue_email()  # inside the test's transaction: the task has not run yet
    assert mail.outbox == []
    notification_send_task.call_local(notification.pk)
    notification_send_task.call_local(notification.pk)
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.attempts == 1


@pytest.mark.django_db
def test_a_second_worker_leaves_alone_a_message_another_worker_is_sending(settings):
    settings.HUEY = {**settings.HUEY, "immediate": False}
    with time_machine.travel(NOW, tick=False):
        with transaction.atomic():
            notification = notification_queue(channel="email", to=EMAIL, subject="S", body="B")
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENDING, attempts=1, last_attempt_at=NOW
        )
        mail.outbox.clear()
        result = notification_send(notification_id=notification.pk)
    assert result.status == NotificationStatus.SENDING and result.attempts == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_message_claimed_by_a_worker_that_died_is_sent_after_the_lease():
    with time_machine.travel(NOW, tick=False):
        notification = Notification.objects.create(
            channel="email",
            sealed_recipient=seal_text(EMAIL),
            subject="S",
            body="B",
            status=NotificationStatus.SENDING,
            attempts=1,
            last_attempt_at=NOW,
        )
    with time_machine.travel(NOW + SENDING_LEASE + datetime.timedelta(seconds=1), tick=False):
        assert notification.pk in notifications_stale()
        result = notification_send(notification_id=notification.pk)
    assert result.status == NotificationStatus.SENT and result.attempts == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_after_max_attempts_a_message_is_marked_failed_with_an_audit_event(settings):
    settings.MESSAGE_GATEWAY = f"{__name__}.BrokenGateway"
    settings.HUEY = {**settings.HUEY, "immediate": False}
    notification = queue_sms(report_id=7, institution_id=3)
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(GatewayError):
            notification_send(notification_id=notification.pk)
        assert Notification.objects.get().status == NotificationStatus.QUEUED
    final = notification_send(notification_id=notification.pk)
    assert final.status == NotificationStatus.FAILED and final.attempts == MAX_ATTEMPTS
    assert PHONE not in final.last_error and mask_recipient(PHONE) in final.last_error
    event = AuditEvent.objects.get(action="notification.failed")
    assert event.object_id == str(notification.pk) and event.institution_id == 3
    assert event.data["report_id"] == 7
    # A late retry of a failed message does nothing.
    assert notification_send(notification_id=notification.pk).attempts == MAX_ATTEMPTS


@pytest.mark.django_db
def test_a_crashing_adapter_puts_the_message_back_in_the_queue_not_in_limbo(settings):
    settings.MESSAGE_GATEWAY = f"{__name__}.CrashingGateway"
    settings.HUEY = {**settings.HUEY, "immediate": False}
    notification = queue_sms()
    with pytest.raises(RuntimeError):
        notification_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.QUEUED
    assert notification.last_error.startswith("RuntimeError")


@pytest.mark.django_db
def test_stale_messages_are_those_untouched_for_five_minutes(settings):
    settings.HUEY = {**settings.HUEY, "immediate": False}
    with time_machine.travel(NOW, tick=False):
        old = queue_email()
    with time_machine.travel(NOW + datetime.timedelta(minutes=4), tick=False):
        fresh = queue_email()
    with time_machine.travel(NOW + datetime.timedelta(minutes=6), tick=False):
        stale = notifications_stale()
    assert old.pk in stale and fresh.pk not in stale


@pytest.mark.django_db
def test_the_retry_task_requeues_stale_messages(settings):
    from tuntas.notifications.tasks import notification_retry_stale

    settings.HUEY = {**settings.HUEY, "immediate": False}
    with time_machine.travel(NOW, tick=False):
        notification = queue_email()
    settings.HUEY = {**settings.HUEY, "immediate": True}
    with time_machine.travel(NOW + datetime.timedelta(minutes=10), tick=False):
        notification_retry_stale.call_local()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


@pytest.mark.django_db
def test_e_mail_can_go_to_files_through_djangos_file_backend(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        queue_email()
    (written,) = tmp_path.iterdir()
    assert EMAIL in written.read_text()


@pytest.mark.django_db
def test_the_file_gateway_appends_one_json_line_per_message(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        queue_sms()
        queue_sms()
    lines = (tmp_path / "outbox-messages.jsonl").read_text().splitlines()
    assert [json.loads(line)["to"] for line in lines] == [PHONE, PHONE]
    assert json.loads(lines[0])["reference"].startswith("notification-")


@pytest.mark.parametrize(
    ("recipient", "masked"),
    [
        ("kanari.wibisono@contoh.test", "k***@c***.test"),
        ("budi@localhost", "b***@l***"),
        ("6281234567890", "62********890"),
        ("0812-3456-7890", "08*******890"),
        ("123", "***"),
    ],
)
def test_recipients_are_masked_for_display(recipient, masked):
    assert mask_recipient(recipient) == masked


# --- Failures visible to staff ---------------------------------------------------------------


def failed_notification(institution_id: int, to: str = PHONE) -> Notification:
    return Notification.objects.create(
        channel="sms",
        sealed_recipient=seal_text(to),
        sealed_body=seal_text("Nomor laporan Anda LM-26ABCDEFGH; kode akses rahasia."),
        status=NotificationStatus.FAILED,
        attempts=MAX_ATTEMPTS,
        last_error="GatewayError: gateway answered HTTP 500",
        institution_id=institution_id,
        report_id=42,
    )


def test_failed_messages_are_scoped_by_institution(region):
    magelang = failed_notification(region.magelang.pk)
    purworejo = failed_notification(region.purworejo.pk)
    sleman = failed_notification(region.sleman.pk)

    def seen(actor) -> set[int]:
        return set(notifications_failed_for(actor).values_list("pk", flat=True))

    assert seen(region.admin_magelang) == {magelang.pk}
    assert seen(region.asisten_andi) == {magelang.pk, purworejo.pk}
    assert seen(region.asisten_diy) == {sleman.pk}
    assert seen(region.admin_rina) == {magelang.pk, purworejo.pk, sleman.pk}
    assert seen(region.petugas_siti) == set()
    assert seen(region.warga_budi) == set()
    assert seen(None) == set()


def test_the_failed_command_lists_failures_without_personal_data(region):
    failed_notification(region.magelang.pk)
    failed_notification(region.purworejo.pk, to=EMAIL)
    queue_email()  # sent: not listed
    out = StringIO()
    call_command("notifications_failed", stdout=out)
    text = out.getvalue()
    assert "2 failed notification(s)" in text
    assert mask_recipient(PHONE) in text and mask_recipient(EMAIL) in text
    assert PHONE not in text and EMAIL not in text
    assert "kode akses" not in text and "LM-26ABCDEFGH" not in text
    out = StringIO()
    call_command("notifications_failed", "--institution", str(region.magelang.pk), stdout=out)
    assert "1 failed notification(s)" in out.getvalue()


@pytest.mark.django_db
def test_the_failed_command_says_so_when_there_is_nothing_to_show():
    out = StringIO()
    call_command("notifications_failed", stdout=out)
    assert "No failed notifications." in out.getvalue()
