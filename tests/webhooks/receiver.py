"""A webhook receiver on 127.0.0.1 for the tests: checks signatures, fails on purpose, records.

Runs in threads of the test process; the workers under test post to it from the same process
or from subprocesses (the fault test kills those, never the receiver).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Received:
    event_id: str
    body: bytes
    headers: dict[str, str]

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str = ""
    fail_rate: float = 0.0
    seed: int = 6
    delay: float = 0.0
    status: int = 200
    log: Path | None = None
    calls: int = 0
    failures: int = 0
    accepted: list[Received] = field(default_factory=list)
    bad_signatures: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def signature_ok(self, headers: dict[str, str], body: bytes) -> bool:
        if not self.secret:
            return True
        timestamp = headers.get("X-Tuntas-Timestamp", "")
        expected = hmac.new(
            self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        presented = headers.get("X-Tuntas-Signature", "")
        return hmac.compare_digest(f"sha256={expected}", presented)

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            self.calls += 1
            if self.delay:
                time.sleep(self.delay)
            if not self.signature_ok(headers, body):
                self.bad_signatures += 1
                return 401
            if self._random.random() < self.fail_rate:
                self.failures += 1
                return 503
            if self.status >= 300:
                return self.status
            received = Received(headers.get("X-Tuntas-Event-Id", ""), body, headers)
            self.accepted.append(received)
            if self.log is not None:
                with self.log.open("a") as out:
                    out.write(
                        json.dumps({"event_id": received.event_id, "body": body.decode()}) + "\n"
                    )
            return 200

    def unique(self) -> dict[str, Received]:
        """De-duplicated by event id, keeping the first arrival (what a receiver should do)."""
        seen: dict[str, Received] = {}
        for item in self.accepted:
            seen.setdefault(item.event_id, item)
        return seen


def serve(receiver: Receiver, port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status = receiver.handle(dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
