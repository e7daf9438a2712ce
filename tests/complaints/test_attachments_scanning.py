"""The virus scanner: clamd's INSTREAM protocol, refusals that name the file, and failing closed."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tuntas.complaints import attachments
from tuntas.complaints.attachments import (
    AttachmentCheckUnavailable,
    AttachmentRefused,
    attachments_check,
)
from tuntas.complaints.scanning import ClamdScanner, NoScanner, ScannerUnavailable


@pytest.fixture(autouse=True)
def english_messages():
    """These tests read the refusal messages in English (the msgids)."""
    with translation.override("en"):
        yield


# The EICAR test file, assembled here so that this source file does not itself carry it.
EICAR = b"".join(
    [b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$", b"EICAR-STANDARD-", b"ANTIVIRUS-TEST-", b"FILE!$H+H*"]
)


class FakeClamd(socketserver.BaseRequestHandler):
    """clamd's INSTREAM: a command, then chunks of <4-byte big-endian length><data>, then 0."""

    def handle(self) -> None:
        stream = self.request.makefile("rb")
        command = stream.read(10)
        if command not in (b"zINSTREAM\0", b"nINSTREAM\n"):
            self.request.sendall(b"UNKNOWN COMMAND\n")
            return
        terminator = b"\0" if command.startswith(b"z") else b"\n"
        received = bytearray()
        while True:
            (length,) = struct.unpack("!L", stream.read(4))
            if length == 0:
                break
            received += stream.read(length)
        self.server.scanned.append(bytes(received))  # type: ignore[attr-defined]
        if self.server.answer is not None:  # type: ignore[attr-defined]
            reply = self.server.answer  # type: ignore[attr-defined]
        elif EICAR in received:
            reply = b"stream: Eicar-Signature FOUND"
        else:
            reply = b"stream: OK"
        self.request.sendall(reply + terminator)


class TcpClamd(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FakeClamd)
        self.scanned: list[bytes] = []
        self.answer: bytes | None = None


class UnixClamd(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str) -> None:
        super().__init__(path, FakeClamd)
        self.scanned: list[bytes] = []
        self.answer: bytes | None = None


def serving(server: socketserver.BaseServer) -> Iterator[socketserver.BaseServer]:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def in_english():
    """Refusals are asserted on their English msgids."""
    with translation.override("en"):
        yield


@pytest.fixture
def clamd(settings) -> Iterator[TcpClamd]:
    server = TcpClamd()
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{server.server_address[1]}"
    yield from serving(server)  # type: ignore[misc]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


def test_without_clamav_url_every_file_passes_unscanned(settings):
    settings.CLAMAV_URL = ""
    assert isinstance(attachments.scanner(), NoScanner)
    assert attachments.scanner().configured is False
    assert attachments_check([SimpleUploadedFile("eicar.txt", EICAR)])


def test_with_clamav_url_the_configured_scanner_is_clamd(clamd):
    scanner = attachments.scanner()
    assert isinstance(scanner, ClamdScanner) and scanner.configured


def test_the_eicar_file_is_refused_with_a_message_naming_the_file_and_the_rule(clamd):
    with pytest.raises(AttachmentRefused) as refused:
        attachments_check([SimpleUploadedFile("bukti.txt", EICAR)])
    assert not isinstance(refused.value, AttachmentCheckUnavailable)
    assert refused.value.name == "bukti.txt"
    assert "virus scanner" in refused.value.rule and "Eicar-Signature" in refused.value.rule
    assert str(refused.value).startswith("bukti.txt: ")
    assert clamd.scanned == [EICAR]


def test_a_clean_file_is_scanned_whole_and_accepted(clamd):
    content = b"Laporan warga tentang jalan rusak.\n" * 200  # several INSTREAM chunks
    (checked,) = attachments_check([SimpleUploadedFile("catatan.txt", content)])
    assert checked.content == content
    assert clamd.scanned == [content]


def test_nothing_is_sent_to_the_scanner_when_the_type_is_already_refused(clamd):
    with pytest.raises(AttachmentRefused, match="not accepted"):
        attachments_check(
            [SimpleUploadedFile("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')]
        )
    assert clamd.scanned == []


def test_an_unreachable_scanner_refuses_the_upload_and_asks_to_try_again_later(settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{port}"
    with pytest.raises(AttachmentCheckUnavailable) as refused:
        attachments_check([SimpleUploadedFile("foto.txt", b"isi berkas\n")])
    assert refused.value.retryable
    assert refused.value.name == "foto.txt"
    assert "cannot be checked" in refused.value.rule and "try again later" in refused.value.rule


@pytest.mark.parametrize("answer", [b"stream: Can't allocate memory ERROR", b"", b"gibberish"])
def test_a_scanner_that_gives_no_verdict_fails_closed(clamd, answer):
    clamd.answer = answer
    with pytest.raises(AttachmentCheckUnavailable):
        attachments_check([SimpleUploadedFile("catatan.txt", b"isi\n")])


def test_the_scanner_also_speaks_over_a_unix_socket(settings, tmp_path: Path):
    path = str(tmp_path / "clamd.ctl")
    server = UnixClamd(path)
    settings.CLAMAV_URL = f"unix://{path}"
    for _ in serving(server):
        assert attachments.scanner().scan(b"bersih\n") is None
        assert attachments.scanner().scan(EICAR) == "Eicar-Signature"


@pytest.mark.parametrize("url", ["http://127.0.0.1:3310", "tcp://127.0.0.1", "unix://"])
def test_a_malformed_clamav_url_stops_with_a_message_naming_the_setting(settings, url):
    settings.CLAMAV_URL = url
    with pytest.raises(ImproperlyConfigured, match="CLAMAV_URL"):
        attachments.scanner()


def test_a_scanner_timeout_is_unavailable_not_clean(settings):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        scanner = ClamdScanner(f"tcp://127.0.0.1:{listener.getsockname()[1]}", timeout=0.3)
        with pytest.raises(ScannerUnavailable):
            scanner.scan(b"isi\n")
    finally:
        listener.close()


def test_a_report_with_a_scanned_file_records_it_as_clean(clamd, media_root, region):
    from tuntas.complaints.models import Attachment, Category, ScanStatus
    from tuntas.complaints.services_intake import ReportDraft, report_submit

    draft = ReportDraft(
        institution=region.magelang,
        category=Category.objects.get(slug="infrastruktur"),
        title="Jalan berlubang",
        description="Jalan di depan pasar berlubang besar sejak bulan lalu.",
        identity_mode="anonim",
        uploads=[SimpleUploadedFile("catatan.txt", b"catatan warga\n")],
    )
    report_submit(draft=draft, channel="web")
    assert Attachment.objects.get().scan_status == ScanStatus.CLEAN
