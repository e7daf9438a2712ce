"""Two officers act on one case at the same moment, from two server processes.

The app runs as in production (gunicorn, 2 single-threaded workers, so that two requests at
once are served by two processes) on a database of its own: a WAL SQLite file, or a
PostgreSQL database when the suite runs on PostgreSQL (see
tests/exchange/test_idempotency_concurrency.py for why not in-process threads). Both officers
read the case at version 1 and post conflicting steps naming that version. Whatever the
interleaving: exactly one wins, the other gets the conflict page (409) that names who changed
the case, only the winner's change is in the database, and the audit chain verifies.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]
TUNTAS = str(Path(sys.executable).with_name("tuntas"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
ROUNDS = 4
CSRF = "c" * 32  # an unmasked CSRF secret: the same value as cookie and form field

SETUP_SCRIPT = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from tuntas.accounts.services import membership_grant, user_create
from tuntas.complaints.identity import Identity
from tuntas.complaints.models import Category
from tuntas.complaints.services_intake import ReportDraft, report_submit
from tuntas.institutions.services import institution_create, unit_create

town = institution_create(actor=None, name="Pemerintah Kota Magelang", kind="pemerintah_kota", region_code="33.71")
unit = unit_create(actor=None, institution=town, name="Dinas Pekerjaan Umum", kind="dinas")
sessions = {}
for email, name in (("siti@contoh.test", "Siti Rahmawati"), ("rudi@contoh.test", "Rudi Hartono")):
    person = user_create(actor=None, email=email, full_name=name, password="correct-horse-battery-staple")
    membership_grant(actor=None, user=person, institution=town, role="petugas", unit=unit)
    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    sessions[name] = session.session_key
numbers = []
for n in range(%(rounds)d):
    draft = ReportDraft(
        institution=town, unit=unit, category=Category.objects.get(slug="infrastruktur"),
        title=f"Jalan berlubang {n}", description="Lubang besar di tengah jalan.",
        identity_mode="anonim", identity=None, consent=False,
    )
    numbers.append(report_submit(draft=draft, channel="web").report.public_number)
print(json.dumps({"sessions": sessions, "numbers": numbers}))
"""

STATE_SCRIPT = """
import json
from tuntas.cases.models import AgencyCase, CaseMessage
case = AgencyCase.objects.get(report__public_number=%(number)r)
print(json.dumps({
    "state": case.state,
    "version": case.version,
    "rejection_reason": case.rejection_reason,
    "messages": list(CaseMessage.objects.filter(case=case).values_list("body", flat=True)),
}))
"""


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


@dataclass(frozen=True)
class Server:
    url: str
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
            pytest.fail(f"`tuntas {' '.join(args[:2])}` failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def request(self, path: str, session: str, data: dict[str, str] | None = None) -> Answer:
        request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
            f"{self.url}{path}",
            data=urllib.parse.urlencode({**data, "csrfmiddlewaretoken": CSRF}).encode()
            if data is not None
            else None,
            method="POST" if data is not None else "GET",
            headers={
                "Cookie": f"sessionid={session}; csrftoken={CSRF}; tuntas_language=en",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                return Answer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres(url: str, statement: str) -> None:
    import psycopg

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith("postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('tuntas-db') / 'tuntas.sqlite3'}"
        return
    name = f"tuntas_case_conflict_{secrets.token_hex(4)}"
    _postgres(suite_url, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(suite_url)._replace(path=f"/{name}"))
    finally:
        _postgres(suite_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, database_url: str
) -> Iterator[tuple[Server, dict]]:
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
    setup = Server(url="", environment=environment, log=log)
    setup.tuntas("migrate", "--no-input", "-v0")
    setup.tuntas("collectstatic", "--no-input", "-v0")  # DEBUG is off: the manifest storage
    made = json.loads(
        setup.tuntas("shell", "-c", SETUP_SCRIPT % {"rounds": ROUNDS}).strip().splitlines()[-1]
    )
    port = _free_port()
    command = [
        GUNICORN,
        "tuntas.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "1",
    ]
    with log.open("a") as out:
        process = subprocess.Popen(
            command, cwd=REPO_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    running = Server(url=f"http://127.0.0.1:{port}", environment=environment, log=log)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{log.read_text()[-4000:]}")
            try:
                urllib.request.urlopen(f"{running.url}/", timeout=2)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not answer:\n{log.read_text()[-4000:]}")
                time.sleep(0.1)
        for _ in range(6):  # both workers load the app before the real test
            urllib.request.urlopen(f"{running.url}/", timeout=30)  # noqa: S310
        yield running, made
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def at_once(*calls):
    barrier = threading.Barrier(len(calls))
    answers: list[Answer | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(answer is not None for answer in answers), "a request never came back"
    return answers


def test_two_officers_posting_conflicting_steps_at_once_one_wins_and_nothing_is_overwritten(
    server,
):
    running, made = server
    siti, rudi = made["sessions"]["Siti Rahmawati"], made["sessions"]["Rudi Hartono"]
    for number in made["numbers"]:
        page = f"/staf/kasus/{number}/"
        for session in (siti, rudi):  # both read the case at version 1
            read = running.request(page, session)
            assert read.status == 200, read.body[-2000:]
            assert 'name="reject-expected_version" value="1"' in read.body
        reject = {"reject-expected_version": "1", "reject-reason": "Bukan wewenang kami."}
        question = {
            "request_information-expected_version": "1",
            "request_information-question": "Mohon kirim foto lokasi.",
        }
        by_siti, by_rudi = at_once(
            lambda p=page, d=reject: running.request(f"{p}langkah/reject/", siti, d),
            lambda p=page, d=question: running.request(f"{p}langkah/request_information/", rudi, d),
        )
        statuses = sorted([by_siti.status, by_rudi.status])
        assert statuses == [302, 409], (
            by_siti.status,
            by_rudi.status,
            running.log.read_text()[-3000:],
        )
        loser, winner_name = (
            (by_rudi, "Siti Rahmawati") if by_siti.status == 302 else (by_siti, "Rudi Hartono")
        )
        assert re.search(rf"changed by {winner_name} at", loser.body)
        assert "Nothing of yours was saved" in loser.body
        typed = "Mohon kirim foto lokasi." if loser is by_rudi else "Bukan wewenang kami."
        assert typed in loser.body  # what the loser typed is kept on the page
        state = json.loads(
            running.tuntas("shell", "-c", STATE_SCRIPT % {"number": number})
            .strip()
            .splitlines()[-1]
        )
        assert state["version"] == 2
        if by_siti.status == 302:
            assert state["state"] == "rejected"
            assert state["rejection_reason"] == "Bukan wewenang kami."
            assert state["messages"] == []
        else:
            assert state["state"] == "info_requested"
            assert state["rejection_reason"] == ""
            assert state["messages"] == ["Mohon kirim foto lokasi."]
    assert "Audit chain intact" in running.tuntas("audit", "verify")
