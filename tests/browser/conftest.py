"""Browser tests: Debian's chromium, driven by Playwright, against the real app in a subprocess.

The server is started once per session with a fresh SQLite database in a temporary directory
(never the developer's var/), migrated and loaded with the demo region, exactly as `make run`
does. Run with `make test-browser`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page

from tuntas.demo.region import DEMO_PASSWORD

REPO_DIR = Path(__file__).resolve().parents[2]
BROWSER_TESTS_DIR = Path(__file__).resolve().parent
TUNTAS = str(Path(sys.executable).with_name("tuntas"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
LANGUAGE_COOKIE = "tuntas_language"
SERVER_START_SECONDS = 60

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser is a browser test, whatever its module says."""
    for item in items:
        if BROWSER_TESTS_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- The browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's chromium, never a browser downloaded by `playwright install`."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "chromium is not installed: the browser tests need Debian's chromium at "
            "/usr/bin/chromium (apt-get install chromium). Do not run `playwright install`.",
            pytrace=False,
        )
    return {"executable_path": executable, "headless": True, "args": CHROMIUM_ARGS}


# --- The server under test -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_environment(var_dir: Path) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        # pytest-django exports the test settings; the server must run the real ones.
        if name not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    environment.update(
        DJANGO_SETTINGS_MODULE="tuntas.settings.base",
        TUNTAS_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'tuntas.sqlite3'}",
        DEBUG="true",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        PYTHONUNBUFFERED="1",
    )
    return environment


def _run(args: list[str], environment: dict[str, str], log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ tuntas {' '.join(args)}\n")
        out.flush()
        result = subprocess.run(
            [TUNTAS, *args],
            cwd=REPO_DIR,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode != 0:
        pytest.fail(f"`tuntas {' '.join(args)}` failed:\n{log.read_text()[-4000:]}", pytrace=False)


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"The server exited with {process.returncode}:\n{log.read_text()[-4000:]}",
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except urllib.error.HTTPError:
            return  # it answered, even if not with 200
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"No answer from {url} within {SERVER_START_SECONDS}s:\n{log.read_text()[-4000:]}")


@dataclass(frozen=True)
class ServerSetup:
    var_dir: Path
    environment: dict[str, str]
    log: Path


@pytest.fixture(scope="session")
def server_setup(tmp_path_factory: pytest.TempPathFactory) -> ServerSetup:
    """A fresh var/ directory: compiled translations, a migrated SQLite database, demo region."""
    var_dir = tmp_path_factory.mktemp("tuntas-var")
    setup = ServerSetup(
        var_dir=var_dir, environment=_server_environment(var_dir), log=var_dir / "server.log"
    )
    _run(["compilemessages", "--ignore=.venv", "-v0"], setup.environment, setup.log)
    _run(["migrate", "--no-input", "-v0"], setup.environment, setup.log)
    _run(["demo", "load", "--quiet-logins"], setup.environment, setup.log)
    return setup


@contextmanager
def _serving(
    command: list[str], port: int, environment: dict[str, str], log: Path
) -> Iterator[str]:
    url = f"http://127.0.0.1:{port}"
    with log.open("a") as out:
        out.write(f"$ {' '.join(command)}\n")
        out.flush()
        process = subprocess.Popen(
            command, cwd=REPO_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_answering(url + "/", process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def live_server_url(server_setup: ServerSetup) -> Iterator[str]:
    """The app as `make run` serves it: runserver with DEBUG on, so that demo logins work."""
    port = _free_port()
    command = [TUNTAS, "runserver", f"127.0.0.1:{port}", "--noreload"]
    with _serving(command, port, server_setup.environment, server_setup.log) as url:
        yield url


@pytest.fixture(scope="session")
def production_server_url(server_setup: ServerSetup) -> Iterator[str]:
    """The same database behind gunicorn with DEBUG off, for what only production shows.

    With DEBUG on, Django answers a 404 with its technical page instead of errors/404.html.
    Both servers share the database and SECRET_KEY, and cookies do not depend on the port, so
    a visitor signed in on the live server is signed in here too (demo accounts can only
    *sign in* where DEBUG is on).
    """
    environment = {**server_setup.environment, "DEBUG": "false"}
    _run(["collectstatic", "--no-input", "-v0"], environment, server_setup.log)
    port = _free_port()
    command = [GUNICORN, "tuntas.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    with _serving(command, port, environment, server_setup.log) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(live_server_url: str) -> str:
    """pytest-playwright passes this to every context, so tests can `page.goto("/instansi/")`."""
    return live_server_url


# --- Pages, languages, people --------------------------------------------------------------


@pytest.fixture
def browser_errors(page: Page) -> list[str]:
    """Console errors (CSP violations among them) and uncaught exceptions seen by `page`."""
    seen: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_page_error(error: Error) -> None:
        seen.append(f"pageerror: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return seen


def use_language(context: BrowserContext, base_url: str, language: str) -> None:
    """Choose a language the way the language switch does: with the language cookie."""
    if language != "id":
        context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": base_url}])


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form and wait for the staff landing page."""
    page.goto("/akun/masuk/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/staf/")
