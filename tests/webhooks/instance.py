"""A Tuntas instance in subprocesses, on a database of its own, for the process-level tests.

SQLite: a WAL file in a temporary folder. PostgreSQL (when the suite runs on it): a fresh
database on the same server, dropped afterwards. Each instance has its own SECRET_KEY, var
folder (so its own sealing keys) and settings from the environment, exactly as in production.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]
TUNTAS = str(Path(sys.executable).with_name("tuntas"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres(url: str, statement: str) -> None:
    import psycopg

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


@contextmanager
def database(folder: Path, label: str) -> Iterator[str]:
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith("postgres"):
        yield f"sqlite:///{folder / 'tuntas.sqlite3'}"
        return
    name = f"tuntas_{label}_{secrets.token_hex(4)}"
    _postgres(suite_url, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(suite_url)._replace(path=f"/{name}"))
    finally:
        _postgres(suite_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Instance:
    folder: Path
    environment: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    url: str = ""

    def run(
        self, *args: str, extra: dict[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [TUNTAS, *args],
            cwd=REPO_DIR,
            env={**self.environment, **(extra or {})},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check and result.returncode != 0:
            pytest.fail(f"`tuntas {' '.join(args)}` failed:\n{result.stderr[-4000:]}")
        return result

    def shell(self, script: str) -> str:
        return self.run("shell", "-c", script).stdout

    def start(self, *args: str, extra: dict[str, str] | None = None, log: str = "worker.log"):
        with (self.folder / log).open("a") as out:
            process = subprocess.Popen(
                [TUNTAS, *args],
                cwd=REPO_DIR,
                env={**self.environment, **(extra or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process

    def serve(self) -> None:
        port = free_port()
        with (self.folder / "server.log").open("a") as out:
            process = subprocess.Popen(
                [
                    GUNICORN,
                    "tuntas.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "2",
                ],
                cwd=REPO_DIR,
                env=self.environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{(self.folder / 'server.log').read_text()[-4000:]}")
            try:
                urllib.request.urlopen(f"{self.url}/", timeout=2)  # noqa: S310 - 127.0.0.1
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        pytest.fail("gunicorn did not answer")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.processes.clear()


@contextmanager
def instance(folder: Path, label: str, **settings: str) -> Iterator[Instance]:
    folder.mkdir(parents=True, exist_ok=True)
    with database(folder, label) as url:
        environment = {
            name: value
            for name, value in os.environ.items()
            if name
            not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "TUNTAS_FAULT_POINT"}
        }
        environment.update(
            DJANGO_SETTINGS_MODULE="tuntas.settings.base",
            TUNTAS_VAR_DIR=str(folder / "var"),
            DATABASE_URL=url,
            DEBUG="false",
            WEBHOOK_ALLOW_PRIVATE_TARGETS="true",  # the test receivers listen on 127.0.0.1
            SECRET_KEY=secrets.token_urlsafe(50),
            PYTHONUNBUFFERED="1",
            **settings,
        )
        site = Instance(folder=folder, environment=environment)
        site.run("migrate", "--no-input", "-v0")
        try:
            yield site
        finally:
            site.stop()
