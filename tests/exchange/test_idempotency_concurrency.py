"""Real concurrency: the same request reaches several gunicorn workers at the same moment.

In-process threads cannot test this on SQLite: the test database lives in memory with a
shared cache, whose table locks fail at once instead of waiting, and transactional tests would
have to lift the audit triggers to flush. So the app runs as it does in production, in a
subprocess (gunicorn, 3 workers × 4 threads) on a fresh database: a WAL SQLite file, or a
PostgreSQL database of its own when the suite runs against PostgreSQL. Whatever the
interleaving, the invariants must hold: one report, one original answer, every other answer
either its byte-identical replay or a 409/422 refusal.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]
TUNTAS = str(Path(sys.executable).with_name("tuntas"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CONCURRENT = 12
INSTITUTION_SLUG = "pemerintah-kota-magelang"
SETUP_SCRIPT = """
from tuntas.institutions.services import institution_create
institution_create(actor=None, name="Pemerintah Kota Magelang", kind="pemerintah_kota", region_code="33.71")
"""


@dataclass(frozen=True)
class Answer:
    status: int
    content: bytes
    replayed: bool

    @property
    def code(self) -> str:
        return json.loads(self.content).get("error", {}).get("code", "")


@dataclass(frozen=True)
class Server:
    url: str
    key: str
    environment: dict[str, str]
    log: Path

    def tuntas(self, *args: str) -> str:
        result = subprocess.run(
            [TUNTAS, *args],
            cwd=REPO_DIR,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"`tuntas {' '.join(args)}` failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def reports_with(self, external_id: str) -> int:
        script = (
            "from tuntas.complaints.models import Report; "
            f"print(Report.objects.filter(channel_reference__endswith=':{external_id}').count())"
        )
        return int(self.tuntas("shell", "-c", script).strip().splitlines()[-1])

    def post(self, body: dict[str, Any], **headers: str) -> Answer:
        request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
            f"{self.url}/api/v1/reports",
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.key}",
                **headers,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return Answer(
                    response.status,
                    response.read(),
                    response.headers.get("Idempotent-Replayed") == "true",
                )
        except urllib.error.HTTPError as error:
            return Answer(
                error.code, error.read(), error.headers.get("Idempotent-Replayed") == "true"
            )

    def post_at_once(self, bodies: list[dict[str, Any]], **headers: str) -> list[Answer]:
        """Send every body from its own thread, released together by a barrier."""
        barrier = threading.Barrier(len(bodies))
        answers: list[Answer | None] = [None] * len(bodies)

        def send(index: int) -> None:
            barrier.wait()
            answers[index] = self.post(bodies[index], **headers)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert all(answer is not None for answer in answers), "a request never came back"
        return [answer for answer in answers if answer is not None]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres(url: str, statement: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database for the server alone, on the engine the suite runs on."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith("postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('tuntas-db') / 'tuntas.sqlite3'}"
        return
    name = f"tuntas_concurrency_{secrets.token_hex(4)}"
    _postgres(suite_url, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(suite_url)._replace(path=f"/{name}"))
    finally:
        _postgres(suite_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Server]:
    var_dir = tmp_path_factory.mktemp("tuntas-var")
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tuntas.settings.base",
        TUNTAS_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        PYTHONUNBUFFERED="1",
    )
    log = var_dir / "server.log"
    setup = Server(url="", key="", environment=environment, log=log)
    setup.tuntas("migrate", "--no-input", "-v0")
    setup.tuntas("shell", "-c", SETUP_SCRIPT)
    created = setup.tuntas(
        "apiclient",
        "create",
        "--institution",
        INSTITUTION_SLUG,
        "--name",
        "Gateway",
        "--scopes",
        "submit",
    )
    key = created.strip().splitlines()[-1]
    port = _free_port()
    command = [
        GUNICORN,
        "tuntas.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "3",
        "--threads",
        "4",
    ]
    with log.open("a") as out:
        process = subprocess.Popen(
            command, cwd=REPO_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    running = Server(url=f"http://127.0.0.1:{port}", key=key, environment=environment, log=log)
    try:
        _wait_until_answering(running, process)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_answering(server: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"gunicorn exited with {process.returncode}:\n{server.log.read_text()[-4000:]}"
            )
        try:
            urllib.request.urlopen(f"{server.url}/api/v1/ping", timeout=2)  # noqa: S310
        except urllib.error.HTTPError:
            break  # the JSON 404: the app answers
        except OSError:
            time.sleep(0.1)
    else:
        pytest.fail(f"gunicorn did not answer:\n{server.log.read_text()[-4000:]}")
    for _ in range(2 * CONCURRENT):  # let every worker load the app before the real test
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"{server.url}/api/v1/ping", timeout=10)  # noqa: S310


def body(external_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "institution": INSTITUTION_SLUG,
        "category": "kesehatan",
        "title": "Puskesmas menolak pasien BPJS",
        "description": "Ibu saya ditolak di loket pendaftaran karena kartu BPJS dianggap tidak aktif.",
        "identity_mode": "anonim",
        "external_id": external_id,
        **overrides,
    }


def test_the_same_key_sent_concurrently_makes_one_report_and_one_answer(server):
    key = secrets.token_hex(16)
    answers = server.post_at_once([body("same-key")] * CONCURRENT, **{"Idempotency-Key": key})

    originals = [answer for answer in answers if answer.status == 201 and not answer.replayed]
    assert len(originals) == 1, answers
    for answer in answers:
        if answer is originals[0]:
            continue
        replay = answer.status == 201 and answer.replayed and answer.content == originals[0].content
        assert replay or (answer.status == 409 and answer.code == "idempotency_in_flight"), answer
    assert server.reports_with("same-key") == 1
    retry = server.post(body("same-key"), **{"Idempotency-Key": key})
    assert retry.replayed and retry.content == originals[0].content


def test_the_same_key_with_different_payloads_concurrently_makes_one_report(server):
    key = secrets.token_hex(16)
    bodies = [body("mixed", title=f"Judul {n}") for n in range(CONCURRENT)]
    answers = server.post_at_once(bodies, **{"Idempotency-Key": key})

    assert [answer.status for answer in answers].count(201) == 1, answers
    refusals = {(answer.status, answer.code) for answer in answers if answer.status != 201}
    assert refusals <= {(422, "idempotency_key_reused"), (409, "idempotency_in_flight")}
    assert server.reports_with("mixed") == 1


def test_the_same_external_id_sent_concurrently_makes_one_report(server):
    answers = server.post_at_once([body("same-message")] * CONCURRENT)

    assert [answer.status for answer in answers].count(201) == 1, answers
    assert {answer.code for answer in answers if answer.status != 201} == {"duplicate_external_id"}
    assert server.reports_with("same-message") == 1
