"""An Open311 client talks to a running server on 127.0.0.1: discovery, POST, read back.

The server is gunicorn in a subprocess on a database of its own (a SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL), as production runs it.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.exchange.test_idempotency_concurrency import _free_port, _postgres

REPO_DIR = Path(__file__).resolve().parents[2]
TUNTAS = str(Path(sys.executable).with_name("tuntas"))
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
JURISDICTION = "pemerintah-kota-magelang"
SETUP_SCRIPT = """
from tuntas.institutions.services import institution_create
institution_create(actor=None, name="Pemerintah Kota Magelang", kind="pemerintah_kota", region_code="33.71")
"""


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))


@dataclass(frozen=True)
class Endpoint:
    base: str
    key: str

    def call(self, path: str, *, form: dict[str, str] | None = None, **params: str) -> Answer:
        url = f"{self.base}/open311/v2/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
            url,
            data=data,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
            if data
            else {},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return Answer(response.status, response.headers["Content-Type"], response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers["Content-Type"], error.read())


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    var_dir = tmp_path_factory.mktemp("open311-var")
    suite_url = os.environ.get("DATABASE_URL", "")
    database_name = None
    if suite_url.startswith("postgres"):
        database_name = f"tuntas_open311_{secrets.token_hex(4)}"
        _postgres(suite_url, f'CREATE DATABASE "{database_name}"')
        database_url = urlunsplit(urlsplit(suite_url)._replace(path=f"/{database_name}"))
    else:
        database_url = f"sqlite:///{var_dir / 'tuntas.sqlite3'}"
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

    def tuntas(*args: str) -> str:
        result = subprocess.run(
            [TUNTAS, *args],
            cwd=REPO_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        return result.stdout

    log = var_dir / "server.log"
    process = None
    try:
        tuntas("migrate", "--no-input", "-v0")
        tuntas("shell", "-c", SETUP_SCRIPT)
        created = tuntas(
            "apiclient",
            "create",
            "--institution",
            JURISDICTION,
            "--name",
            "Civic app",
            "--scopes",
            "submit",
        )
        key = created.strip().splitlines()[-1]
        port = _free_port()
        with log.open("a") as out:
            process = subprocess.Popen(
                [
                    GUNICORN,
                    "tuntas.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--threads",
                    "2",
                ],
                cwd=REPO_DIR,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        running = Endpoint(base=f"http://127.0.0.1:{port}", key=key)
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()[-4000:]
            try:
                running.call("discovery.json")
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()[-4000:]
                time.sleep(0.2)
        yield running
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if database_name is not None:
            _postgres(suite_url, f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')


def test_a_client_discovers_the_endpoint_posts_a_request_and_reads_it_back(endpoint):
    discovery = endpoint.call("discovery.json").json()
    (advertised,) = discovery["endpoints"]
    assert "application/json" in advertised["formats"]

    services = endpoint.call("services.json", jurisdiction_id=JURISDICTION).json()
    assert "kesehatan" in {service["service_code"] for service in services}
    definition = endpoint.call("services/kesehatan.json", jurisdiction_id=JURISDICTION).json()
    assert "visibility" in {attribute["code"] for attribute in definition["attributes"]}

    refused = endpoint.call(
        "requests.json", form={"jurisdiction_id": JURISDICTION, "service_code": "kesehatan"}
    )
    assert refused.status == 403

    posted = endpoint.call(
        "requests.json",
        form={
            "api_key": endpoint.key,
            "jurisdiction_id": JURISDICTION,
            "service_code": "kesehatan",
            "lat": "-7.4797",
            "long": "110.2177",
            "description": "Antrean di Puskesmas Jurangombo lebih dari tiga jam. Saya Canaryname Zzyzx.",
            "first_name": "Canaryname",
            "last_name": "Zzyzx",
            "email": "canaryname.zzyzx@contoh.test",
            "attribute[consent]": "yes",
            "attribute[visibility]": "public",
        },
    )
    assert posted.status == 201, posted.body
    assert posted.content_type == "application/json; charset=utf-8"
    (receipt,) = posted.json()
    number = receipt["service_request_id"]

    (request,) = endpoint.call(f"requests/{number}.json", jurisdiction_id=JURISDICTION).json()
    assert request["status"] == "open"
    assert request["service_code"] == "kesehatan"
    assert request["expected_datetime"]
    assert "Antrean di Puskesmas Jurangombo" in request["description"]
    assert "Canaryname" not in request["description"] and "Zzyzx" not in request["description"]

    listed = endpoint.call("requests.xml", jurisdiction_id=JURISDICTION, status="open")
    assert listed.content_type == "text/xml; charset=utf-8"
    root = ET.fromstring(listed.body)  # noqa: S314 - our own server's answer, under test
    assert number in [item.findtext("service_request_id") for item in root.iter("request")]
    assert b"Zzyzx" not in listed.body
