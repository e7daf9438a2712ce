"""Letter numbers under real concurrency: separate processes number letters of one office at once.

Runs on PostgreSQL (where select_for_update really locks) against a fresh database of its own,
like tests/exchange/test_idempotency_concurrency.py; the in-memory SQLite test database cannot
host several processes, so on SQLite the test is skipped and numbering is covered by
test_letters.py.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]
TUNTAS = str(Path(sys.executable).with_name("tuntas"))
WORKERS = 4
LETTERS_EACH = 5

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: several processes on one database",
)

SETUP = """
from tuntas.institutions.services import institution_create
centre = institution_create(actor=None, name="Ombudsman Republik Indonesia", kind="ombudsman_pusat")
institution_create(
    actor=None, name="Ombudsman RI Perwakilan Jawa Tengah", kind="ombudsman_perwakilan",
    region_code="33", parent=centre,
)
"""

WORKER = """
import time
from django.db import transaction
from tuntas.institutions.models import Institution
from tuntas.ombudsman.services_letters import next_sequence
office = Institution.objects.get(region_code="33")
while time.time() < {start}:
    time.sleep(0.01)
taken = []
for _ in range({count}):
    with transaction.atomic():
        taken.append(next_sequence(office=office, year=2026))
        time.sleep(0.05)  # hold the lock a while: without it, the others would read the same number
print("TAKEN", *taken)
"""


def _postgres(url: str, statement: str) -> None:
    import psycopg

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    suite_url = os.environ["DATABASE_URL"]
    name = f"tuntas_letters_{secrets.token_hex(4)}"
    _postgres(suite_url, f'CREATE DATABASE "{name}"')
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tuntas.settings.base",
        TUNTAS_VAR_DIR=str(tmp_path_factory.mktemp("tuntas-var")),
        DATABASE_URL=urlunsplit(urlsplit(suite_url)._replace(path=f"/{name}")),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
    )
    try:
        for args in (["migrate", "--no-input", "-v0"], ["shell", "-c", SETUP]):
            subprocess.run([TUNTAS, *args], cwd=REPO_DIR, env=env, check=True, timeout=300)
        yield env
    finally:
        _postgres(suite_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_concurrent_letters_of_one_office_never_share_a_number(environment):
    start = time.time() + 8  # every worker has imported Django by then
    script = WORKER.format(start=start, count=LETTERS_EACH)
    workers = [
        subprocess.Popen(
            [TUNTAS, "shell", "-c", script],
            cwd=REPO_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    taken: list[int] = []
    for worker in workers:
        out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err[-3000:]
        line = next(line for line in out.splitlines() if line.startswith("TAKEN"))
        taken.extend(int(number) for number in line.split()[1:])
    assert sorted(taken) == list(range(1, WORKERS * LETTERS_EACH + 1))
