"""Nothing lost, nothing half-made: SIGKILL a submitting process at each fault point, restart, check.

Each submission runs in its own process against a fresh database (SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL), exactly as the app would: real
commits, real files, a real queue. The process acknowledges a report by printing it once
report_submit has returned; then it names a fault point (tuntas.core.faults) and submits again,
and dies there. The next process starts on what was left and checks, before submitting, that
every acknowledged report is complete, that no partial report exists, that the database passes
its integrity checks and that the audit chain verifies. bench/crash_loop.py runs the same for
a thousand kills.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

REPO_DIR = Path(__file__).resolve().parents[2]
HARNESS = REPO_DIR / "bench" / "crash_harness.py"
TUNTAS = str(Path(sys.executable).with_name("tuntas"))
sys.path.insert(0, str(HARNESS.parent))
from crash_harness import COMMITTED_POINTS, FAULT_POINTS  # noqa: E402

REPETITIONS = 2


@dataclass
class CrashSite:
    var_dir: Path
    environment: dict[str, str]
    sqlite_file: Path | None

    def run(self, *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(HARNESS), *args],
            cwd=REPO_DIR,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _postgres_database() -> Iterator[str]:
    import psycopg

    server = connection.settings_dict
    name = f"tuntas_crash_{secrets.token_hex(4)}"
    params = {
        "host": server["HOST"] or "127.0.0.1",
        "port": server["PORT"] or 5432,
        "user": server["USER"] or "postgres",
        "password": server["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        credentials = params["user"] + (f":{params['password']}" if params["password"] else "")
        yield f"postgres://{credentials}@{params['host']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def crash_site(tmp_path: Path) -> Iterator[CrashSite]:
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "TUNTAS_FAULT_POINT"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tuntas.settings.base",
        TUNTAS_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(40),
        EMAIL_URL="consolemail://",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if connection.vendor == "postgresql":
        databases = _postgres_database()
        environment["DATABASE_URL"] = next(databases)
        sqlite_file = None
    else:
        databases = None
        sqlite_file = var_dir / "tuntas.sqlite3"
        environment["DATABASE_URL"] = f"sqlite:///{sqlite_file}"
    try:
        site = CrashSite(var_dir, environment, sqlite_file)
        migrate = subprocess.run(
            [TUNTAS, "migrate", "--no-input", "-v0"],
            cwd=REPO_DIR,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stderr[-3000:]
        prepared = site.run("prepare")
        assert prepared.returncode == 0, prepared.stderr[-3000:]
        yield site
    finally:
        if databases is not None:
            next(databases, None)


def _lines(output: str, prefix: str) -> list[dict]:
    return [
        json.loads(line[len(prefix) :]) for line in output.splitlines() if line.startswith(prefix)
    ]


def test_no_acknowledged_report_is_lost_and_none_is_half_made_when_killed_anywhere(crash_site):
    acked_log = crash_site.var_dir / "acked.jsonl"
    acked: list[dict] = []
    killed_before_commit: list[str] = []
    killed_after_commit: list[str] = []
    checks = []
    for repetition in range(REPETITIONS):
        for point in FAULT_POINTS:
            tag = f"{point.replace('.', '_')}-{repetition}"
            result = crash_site.run(
                "submit",
                "--tag",
                tag,
                "--ok",
                "1",
                "--fault",
                point,
                "--check-first",
                str(acked_log),
                *[f"--expect-absent={absent}" for absent in killed_before_commit],
            )
            assert result.returncode == -signal.SIGKILL, (
                f"{point}: the process was not killed at the fault point "
                f"(exit {result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
            )
            checks += _lines(result.stdout, "CHECK ")
            new = _lines(result.stdout, "ACK ")
            assert len(new) == 1, result.stderr[-3000:]
            acked += new
            with acked_log.open("a") as log:
                log.writelines(json.dumps(ack) + "\n" for ack in new)
            (killed_after_commit if point in COMMITTED_POINTS else killed_before_commit).append(
                f"{tag}-killed"
            )

    final = crash_site.run(
        "inspect",
        "--acked",
        str(acked_log),
        *[f"--expect-absent={absent}" for absent in killed_before_commit],
    )
    checks += _lines(final.stdout, "CHECK ")
    assert final.returncode == 0, final.stdout[-3000:] + final.stderr[-3000:]

    assert len(checks) == REPETITIONS * len(FAULT_POINTS) + 1
    for check in checks:
        assert check["problems"] == [], check["problems"]
    last = checks[-1]
    assert last["acked"] == len(acked) == REPETITIONS * len(FAULT_POINTS)
    # Acknowledged, and the ones killed after their commit: present, complete, exactly once.
    assert set(last["present"]) == {ack["tag"] for ack in acked} | set(killed_after_commit)
    assert last["reports"] == len(acked) + len(killed_after_commit)

    if crash_site.sqlite_file is not None:  # checked again from outside the app
        with sqlite3.connect(crash_site.sqlite_file) as database:
            assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert database.execute("PRAGMA foreign_key_check").fetchall() == []
            half_made = database.execute(
                "SELECT COUNT(*) FROM complaints_report r WHERE NOT EXISTS ("
                " SELECT 1 FROM audit_auditevent e WHERE e.action = 'report.submitted'"
                " AND e.object_id = CAST(r.id AS TEXT))"
            ).fetchone()[0]
            assert half_made == 0
