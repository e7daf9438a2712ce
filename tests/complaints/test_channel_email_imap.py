"""E-mail intake over IMAP (TLS), against a small IMAP server on 127.0.0.1.

The fake server speaks just what the intake uses: CAPABILITY, LOGIN, SELECT, UID SEARCH,
UID FETCH, UID STORE and LOGOUT, over TLS with a certificate made for the test.
"""

from __future__ import annotations

import datetime
import ipaddress
import shlex
import socketserver
import ssl
import threading
from email.message import EmailMessage
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core import mail
from django.core.management import CommandError, call_command

from tuntas.complaints.models import Report
from tuntas.complaints.tasks_email import email_intake_imap, email_intake_imap_task

USER = "lapor@tuntas.test"
PASSWORD = "imap-password-for-tests"
BODY = "Pengurusan akta kelahiran anak saya sudah lewat satu bulan tanpa kabar dari petugas."


def make_certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365 * 30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "imap-cert.pem", folder / "imap-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class FakeImapHandler(socketserver.StreamRequestHandler):
    server: FakeImapServer

    def send(self, line: str | bytes) -> None:
        data = line.encode() if isinstance(line, str) else line
        self.wfile.write(data + b"\r\n")

    def handle(self) -> None:
        self.send("* OK fake IMAP ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            words = shlex.split(rest.replace("\\", "\\\\"))
            command = words[0].upper() if words else ""
            self.server.commands.append(command if command != "UID" else f"UID {words[1]}")
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1")
                self.send(f"{tag} OK CAPABILITY completed")
            elif command == "LOGIN":
                if words[1:] == [USER, PASSWORD]:
                    self.send(f"{tag} OK LOGIN completed")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
            elif command == "SELECT":
                self.send(f"* {len(self.server.mails)} EXISTS")
                self.send("* OK [UIDVALIDITY 7] UIDs valid")
                self.send(f"{tag} OK [READ-WRITE] SELECT completed")
            elif command == "UID":
                self.uid_command(tag, words[1].upper(), words[2:])
            elif command == "LOGOUT":
                self.send("* BYE see you")
                self.send(f"{tag} OK LOGOUT completed")
                return
            else:
                self.send(f"{tag} BAD unknown command")

    def uid_command(self, tag: str, command: str, args: list[str]) -> None:
        mails = self.server.mails
        if command == "SEARCH":
            unseen = [str(m["uid"]) for m in mails if "\\Seen" not in m["flags"]]
            self.send("* SEARCH " + " ".join(unseen))
        elif command == "FETCH":
            position, found = self.find(args[0])
            raw = found["raw"]
            self.send(
                f"* {position} FETCH (UID {found['uid']} BODY[] {{{len(raw)}}}".encode()
                + b"\r\n"
                + raw
                + b")"
            )
        elif command == "STORE":
            position, found = self.find(args[0])
            found["flags"].add("\\Seen")
            self.send(f"* {position} FETCH (UID {found['uid']} FLAGS (\\Seen))")
        self.send(f"{tag} OK UID {command} completed")

    def find(self, uid: str) -> tuple[int, dict]:
        for position, candidate in enumerate(self.server.mails, start=1):
            if str(candidate["uid"]) == uid:
                return position, candidate
        raise LookupError(uid)


class FakeImapServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, context: ssl.SSLContext, mails: list[bytes]) -> None:
        super().__init__(("127.0.0.1", 0), FakeImapHandler)
        self.context = context
        self.mails = [{"uid": 10 + i, "raw": raw, "flags": set()} for i, raw in enumerate(mails)]
        self.commands: list[str] = []

    def get_request(self):
        sock, address = super().get_request()
        return self.context.wrap_socket(sock, server_side=True), address


def raw_mail(message_id: str, *, subject: str = "Akta kelahiran belum terbit") -> bytes:
    message = EmailMessage()
    message["From"] = "Sri Wahyuni <sri.wahyuni@contoh.test>"
    message["To"] = USER
    message["Subject"] = subject
    message["Message-ID"] = f"<{message_id}@contoh.test>"
    message.set_content(BODY)
    return message.as_bytes().replace(b"\n", b"\r\n")


@pytest.fixture
def imap_server(tmp_path, settings):
    cert, key = make_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = FakeImapServer(context, [raw_mail("imap-1"), raw_mail("imap-2")])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.IMAP_HOST = "127.0.0.1"
    settings.IMAP_PORT = server.server_address[1]
    settings.IMAP_USER = USER
    settings.IMAP_PASSWORD = PASSWORD
    settings.IMAP_FOLDER = "INBOX"
    settings.IMAP_CAFILE = str(cert)
    settings.MESSAGE_INTAKE_INSTITUTION = "pemerintah-kota-magelang"
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "files"
    yield server
    server.shutdown()
    server.server_close()


def test_unseen_imap_messages_become_reports_and_are_flagged_seen(
    region, imap_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("intake_email", imap=True)
    assert sorted(Report.objects.values_list("channel_reference", flat=True)) == [
        "imap-1@contoh.test",
        "imap-2@contoh.test",
    ]
    assert all(r.channel == "email" for r in Report.objects.all())
    assert [m["flags"] for m in imap_server.mails] == [{"\\Seen"}, {"\\Seen"}]
    assert {"LOGIN", "SELECT", "UID SEARCH", "UID FETCH", "UID STORE", "LOGOUT"} <= set(
        imap_server.commands
    )
    assert len(mail.outbox) == 2  # the receipts


def test_a_second_run_finds_nothing_new(region, imap_server):
    call_command("intake_email", imap=True)
    imap_server.commands.clear()
    call_command("intake_email", imap=True)
    assert Report.objects.count() == 2
    assert "UID FETCH" not in imap_server.commands


def test_a_refused_login_is_a_clear_command_error_and_nothing_is_read(
    region, imap_server, settings
):
    settings.IMAP_PASSWORD = "wrong"
    with pytest.raises(CommandError, match="IMAP"):
        call_command("intake_email", imap=True)
    assert not Report.objects.exists()


def test_a_server_certificate_that_is_not_trusted_is_refused(region, imap_server, settings):
    settings.IMAP_CAFILE = ""
    with pytest.raises(CommandError, match="cannot connect"):
        call_command("intake_email", imap=True)
    assert not Report.objects.exists()


def test_the_periodic_task_reads_the_mailbox_when_imap_is_configured(region, imap_server):
    email_intake_imap_task.call_local()
    assert Report.objects.count() == 2


def test_the_periodic_task_does_nothing_without_imap_host(region, settings):
    settings.IMAP_HOST = ""
    assert email_intake_imap() is None
    assert not Report.objects.exists()
