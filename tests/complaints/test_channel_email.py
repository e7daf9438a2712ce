"""E-mail intake from a Maildir: reports, refused files, threaded replies, nothing twice."""

from __future__ import annotations

import io
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from PIL import Image

from tuntas.audit.models import AuditEvent
from tuntas.complaints import codes
from tuntas.complaints.identity import unseal
from tuntas.complaints.models import InboundMessage, Report
from tuntas.notifications.models import Notification

SENDER = "Budi Santoso <budi.santoso@contoh.test>"
BODY = (
    "Selamat pagi,\n\nSaya sudah tiga kali datang ke kantor kelurahan untuk mengurus surat "
    "keterangan domisili tetapi selalu diminta kembali besok tanpa alasan."
)


@pytest.fixture(autouse=True)
def channel_settings(settings, tmp_path):
    settings.MESSAGE_INTAKE_INSTITUTION = "pemerintah-kota-magelang"
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.DEFAULT_FROM_EMAIL = "Tuntas <tuntas@contoh.test>"
    return settings


@pytest.fixture
def maildir(tmp_path) -> mailbox.Maildir:
    return mailbox.Maildir(str(tmp_path / "Maildir"), create=True)


def png_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(output, format="PNG")
    return output.getvalue()


def email_message(
    *,
    subject: str = "Surat domisili tidak kunjung selesai",
    body: str = BODY,
    sender: str = SENDER,
    message_id: str = "<laporan-1@contoh.test>",
    html: str | None = None,
    files: list[tuple[str, bytes, str]] = (),
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "lapor@tuntas.test"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Tue, 01 Dec 2026 08:00:00 +0700"
    for name, value in (headers or {}).items():
        message[name] = value
    if html is not None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
    for name, content, content_type in files:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message


def run_intake(maildir: mailbox.Maildir, capture) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command("intake_email", maildir=maildir._path, stdout=out)
    return out.getvalue()


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def seen_files(maildir: mailbox.Maildir) -> list[str]:
    return sorted(p.name for p in (Path(maildir._path) / "cur").iterdir())


def test_an_email_becomes_a_report_that_the_receiving_institution_sees(
    region, maildir, django_capture_on_commit_callbacks
):
    maildir.add(email_message())
    output = run_intake(maildir, django_capture_on_commit_callbacks)
    assert "1 new report(s)" in output
    report = Report.objects.get()
    assert report.channel == "email"
    assert report.channel_reference == "laporan-1@contoh.test"
    assert report.title == "Surat domisili tidak kunjung selesai"
    assert "surat keterangan domisili" in report.description
    assert report.institution == region.magelang
    identity = unseal(report.identity.sealed)
    assert identity.name == "Budi Santoso"
    assert identity.email == "budi.santoso@contoh.test"
    # The receipt with the number and the access code went back by e-mail.
    assert [m.to for m in mail.outbox] == [["budi.santoso@contoh.test"]]
    assert codes.format_public_number(report.public_number) in mail.outbox[0].body
    # Processed: moved to cur/ and flagged seen.
    assert not list((Path(maildir._path) / "new").iterdir())
    assert all(name.endswith(":2,S") for name in seen_files(maildir))

    detail = staff_client(region.admin_magelang).get(f"/staf/laporan/{report.public_number}/")
    assert detail.status_code == 200
    assert "budi.santoso@contoh.test" in detail.content.decode()
    other = staff_client(region.asisten_diy).get(f"/staf/laporan/{report.public_number}/")
    assert other.status_code == 404


def test_a_refused_attachment_is_dropped_named_in_a_reply_and_the_report_still_created(
    region, maildir, django_capture_on_commit_callbacks
):
    maildir.add(
        email_message(
            files=[
                ("foto-kantor.png", png_bytes(), "image/png"),
                ("formulir.exe", b"MZ\x90\x00" + b"\x00" * 200, "application/octet-stream"),
            ]
        )
    )
    run_intake(maildir, django_capture_on_commit_callbacks)
    report = Report.objects.get()
    assert [a.original_name for a in report.attachments.all()] == ["foto-kantor.png"]
    refusal = AuditEvent.objects.get(action="report.attachment_refused")
    assert refusal.data["name"] == "formulir.exe"
    assert refusal.object_id == str(report.pk)
    bodies = [m.body for m in mail.outbox]
    assert any("formulir.exe" in body for body in bodies)
    assert all("foto-kantor.png" not in body for body in bodies)


def test_the_same_message_id_twice_creates_one_report_and_both_copies_are_marked_seen(
    region, maildir, django_capture_on_commit_callbacks
):
    maildir.add(email_message())
    maildir.add(email_message())
    output = run_intake(maildir, django_capture_on_commit_callbacks)
    assert "1 already read" in output
    assert Report.objects.count() == 1
    assert len(seen_files(maildir)) == 2
    # Reading the mailbox again finds nothing new.
    assert "0 message(s) read" in run_intake(maildir, django_capture_on_commit_callbacks)


def test_an_html_only_body_is_read_as_text(region, maildir, django_capture_on_commit_callbacks):
    maildir.add(
        email_message(
            html="<html><head><style>p{color:red}</style></head><body><p>Saya sudah tiga kali "
            "datang ke kantor kelurahan &amp; selalu ditolak.</p><script>alert(1)</script>"
            "</body></html>"
        )
    )
    run_intake(maildir, django_capture_on_commit_callbacks)
    report = Report.objects.get()
    assert report.description == "Saya sudah tiga kali datang ke kantor kelurahan & selalu ditolak."


def test_a_reply_from_the_same_address_threads_into_the_report(
    region, maildir, django_capture_on_commit_callbacks
):
    maildir.add(email_message())
    run_intake(maildir, django_capture_on_commit_callbacks)
    report = Report.objects.get()
    number = codes.format_public_number(report.public_number)
    maildir.add(
        email_message(
            subject=f"Re: Laporan Anda {number} telah diterima",
            body="Berikut foto antreannya.\n\nOn Tue, Tuntas wrote:\n> Laporan Anda diterima",
            sender="BUDI.SANTOSO@contoh.test",
            message_id="<balasan-1@contoh.test>",
            files=[("antrean.png", png_bytes(), "image/png")],
        )
    )
    mail.outbox.clear()
    output = run_intake(maildir, django_capture_on_commit_callbacks)
    assert "1 reply(ies) added" in output
    assert Report.objects.count() == 1
    event = AuditEvent.objects.get(action="report.information_added")
    assert event.data == {"text": "Berikut foto antreannya.", "attachments": 1, "channel": "email"}
    assert report.attachments.count() == 1
    assert [m.to for m in mail.outbox] == [["budi.santoso@contoh.test"]]


def test_a_reply_from_another_address_is_not_threaded(
    region, maildir, django_capture_on_commit_callbacks
):
    maildir.add(email_message())
    run_intake(maildir, django_capture_on_commit_callbacks)
    report = Report.objects.get()
    maildir.add(
        email_message(
            subject=f"Re: {report.public_number}",
            body="Saya ingin menambahkan informasi tentang laporan ini.",
            sender="orang.lain@contoh.test",
            message_id="<balasan-2@contoh.test>",
        )
    )
    mail.outbox.clear()
    run_intake(maildir, django_capture_on_commit_callbacks)
    assert not AuditEvent.objects.filter(action="report.information_added").exists()
    assert Report.objects.count() == 1
    assert InboundMessage.objects.get(message_id="balasan-2@contoh.test").outcome == "unmatched"
    assert [m.to for m in mail.outbox] == [["orang.lain@contoh.test"]]
    assert report.title not in mail.outbox[0].body


def test_automatic_replies_are_recorded_but_never_answered(
    region, maildir, django_capture_on_commit_callbacks
):
    maildir.add(email_message(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    output = run_intake(maildir, django_capture_on_commit_callbacks)
    assert "1 automatic message(s) ignored" in output
    assert not Report.objects.exists()
    assert not Notification.objects.exists() and not mail.outbox
    assert InboundMessage.objects.get().outcome == "ignored"


def test_a_too_short_email_is_answered_and_not_read_again(
    region, maildir, django_capture_on_commit_callbacks
):
    maildir.add(email_message(body="Tolong."))
    run_intake(maildir, django_capture_on_commit_callbacks)
    assert not Report.objects.exists()
    assert [m.to for m in mail.outbox] == [["budi.santoso@contoh.test"]]
    assert all(name.endswith(":2,S") for name in seen_files(maildir))


def test_a_message_that_fails_stays_unread_and_does_not_stop_the_others(
    region, maildir, django_capture_on_commit_callbacks, monkeypatch
):
    from tuntas.complaints import channels_email

    maildir.add(email_message(message_id="<rusak@contoh.test>"))
    maildir.add(email_message(message_id="<baik@contoh.test>"))
    real = channels_email.email_bytes_ingest

    def flaky(raw: bytes):
        if b"rusak@" in raw:
            raise RuntimeError("disk full")
        return real(raw)

    monkeypatch.setattr(channels_email, "email_bytes_ingest", flaky)
    with pytest.raises(CommandError, match="1 message"):
        run_intake(maildir, django_capture_on_commit_callbacks)
    assert Report.objects.get().channel_reference == "baik@contoh.test"
    assert len(list((Path(maildir._path) / "new").iterdir())) == 1


def test_the_command_explains_a_wrong_path_and_a_missing_imap_configuration(
    region, tmp_path, settings
):
    with pytest.raises(CommandError, match="not a Maildir"):
        call_command("intake_email", maildir=str(tmp_path / "nowhere"))
    settings.IMAP_HOST = ""
    with pytest.raises(CommandError, match="IMAP_HOST"):
        call_command("intake_email", imap=True)
    with pytest.raises(CommandError):
        call_command("intake_email")
