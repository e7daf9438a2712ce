"""Virus scanning of uploads: a small interface, no scanner by default, ClamAV's clamd when set.

``CLAMAV_URL`` selects the backend: ``tcp://127.0.0.1:3310`` or ``unix:///run/clamav/clamd.ctl``.
When it is set, a file is accepted only after clamd said "OK": an unreachable or confused
daemon refuses the upload (fail closed) rather than letting an unscanned file through.
"""

from __future__ import annotations

import io
import re
from typing import Protocol
from urllib.parse import urlsplit

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_TIMEOUT_SECONDS = 30.0
_SAFE_SIGNATURE = re.compile(r"[^\w.:/+-]")


class ScannerUnavailable(RuntimeError):
    """The configured scanner could not give a verdict (down, timed out, answered nonsense)."""


class Scanner(Protocol):
    configured: bool

    def scan(self, content: bytes) -> str | None:
        """None when the content is clean, else the name of what was found.

        Raises ScannerUnavailable when no verdict could be had.
        """


class NoScanner:
    """No virus scanner: every file passes; attachments are marked "not scanned"."""

    configured = False

    def scan(self, content: bytes) -> str | None:
        return None


class ClamdScanner:
    """clamd's INSTREAM command over TCP or a unix socket (through the clamav-client package)."""

    configured = True

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        parts = urlsplit(url)
        self.url = url
        self._client: ClamdNetworkSocket
        if parts.scheme == "tcp":
            if not parts.hostname or not parts.port:
                raise ImproperlyConfigured(
                    f"CLAMAV_URL={url!r} needs a host and a port, e.g. tcp://127.0.0.1:3310"
                )
            self._client = ClamdNetworkSocket(parts.hostname, parts.port, timeout=timeout)
        elif parts.scheme == "unix":
            path = parts.path or parts.netloc
            if not path:
                raise ImproperlyConfigured(
                    f"CLAMAV_URL={url!r} needs a socket path, e.g. unix:///run/clamav/clamd.ctl"
                )
            # The stub says int; the socket takes any float, like the TCP class.
            self._client = ClamdUnixSocket(path, timeout=timeout)  # type: ignore[arg-type]
        else:
            raise ImproperlyConfigured(
                f"CLAMAV_URL={url!r} must start with tcp:// or unix:// (see .env.example)"
            )

    def scan(self, content: bytes) -> str | None:
        try:
            results = self._client.instream(io.BytesIO(content))
        except (ClamdError, OSError, ValueError) as error:
            raise ScannerUnavailable(f"clamd at {self.url}: {error.__class__.__name__}") from None
        if not results:
            raise ScannerUnavailable(f"clamd at {self.url} gave no answer")
        status, signature = next(iter(results.values()))
        if status == "OK":
            return None
        if status == "FOUND":
            # The signature goes into messages and the audit trail: keep it printable and short.
            return _SAFE_SIGNATURE.sub("", signature or "unknown")[:100] or "unknown"
        raise ScannerUnavailable(f"clamd at {self.url} answered {status}: {signature}")


def configured_scanner() -> Scanner:
    url = str(getattr(settings, "CLAMAV_URL", "") or "").strip()
    if not url:
        return NoScanner()
    timeout = float(getattr(settings, "CLAMAV_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    return ClamdScanner(url, timeout=timeout)
