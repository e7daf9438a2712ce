"""Configuration comes from the environment; a bad value stops start-up naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TUNTAS = str(Path(sys.executable).with_name("tuntas"))


def run_tuntas(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "DEBUG",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "REDIS_URL",
            "EMAIL_URL",
        }
    }
    environment.update({"TUNTAS_VAR_DIR": str(tmp_path / "var"), **env})
    return subprocess.run(
        [TUNTAS, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysqlx://nowhere"),
        ("DATABASE_URL", "not a url"),
        ("ALLOWED_HOSTS", " , "),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("EMAIL_URL", "carrier-pigeon://coop"),
        ("LOGIN_FAILURE_LIMIT", "lima"),
        ("STAFF_PASSWORD_MIN_LENGTH", "6"),
        ("SECRET_KEY", "short"),
        ("DATABASE_PLAN_CACHE_MODE", "force_generic_plan"),
    ],
)
def test_a_bad_setting_stops_start_up_with_a_message_naming_it(tmp_path, variable, value):
    environment = {variable: value}
    if variable.startswith("DATABASE_PLAN"):  # read only for PostgreSQL
        environment.setdefault("DATABASE_URL", "postgres://tuntas@127.0.0.1:5432/tuntas")
    result = run_tuntas(tmp_path, "check", **environment)
    assert result.returncode != 0
    assert variable in result.stderr
    assert "Traceback" not in result.stderr


def test_secret_key_is_generated_into_var_on_first_run_and_reused(tmp_path):
    assert run_tuntas(tmp_path, "check").returncode == 0
    key_file = tmp_path / "var" / "secret_key"
    first = key_file.read_text()
    assert len(first) >= 50
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert run_tuntas(tmp_path, "check").returncode == 0
    assert key_file.read_text() == first


def test_the_default_database_is_sqlite_under_var_in_wal_mode(tmp_path):
    result = run_tuntas(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA synchronous').fetchone()[0],"
        " connection.settings_dict['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    journal, synchronous, name = result.stdout.split()
    assert journal == "wal"
    assert synchronous == "2"  # FULL: an acknowledged commit survives power loss
    assert name == str(tmp_path / "var" / "tuntas.sqlite3")


_DATABASE_OPTIONS = (
    "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS'];"
    "print(o.get('server_side_binding'), o.get('prepare_threshold'), o.get('options'), sep='|')"
)


_CUSTOM_PLANS = "-c plan_cache_mode=force_custom_plan"


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, ["True", "5", _CUSTOM_PLANS]),
        ({"DATABASE_PREPARE_THRESHOLD": "2"}, ["True", "2", _CUSTOM_PLANS]),
        ({"DATABASE_PLAN_CACHE_MODE": "auto"}, ["True", "5", "-c plan_cache_mode=auto"]),
        ({"DATABASE_PREPARED_STATEMENTS": "false"}, ["None", "None", "None"]),
    ],
)
def test_postgresql_connections_prepare_their_statements_unless_switched_off(
    tmp_path, variables, expected
):
    url = "postgres://tuntas@127.0.0.1:5432/tuntas"
    result = run_tuntas(
        tmp_path, "shell", "--no-imports", "-c", _DATABASE_OPTIONS, DATABASE_URL=url, **variables
    )
    assert result.stdout.strip().split("|") == expected, result.stderr


def test_debug_is_off_unless_asked_for(tmp_path):
    result = run_tuntas(
        tmp_path,
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
    )
    assert result.stdout.strip() == "False"


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = run_tuntas(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="tuntas.settings.production",
        SECRET_KEY="k" * 10 + "production-secret-key-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="tuntas.example.go.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_env_example_documents_every_variable_the_settings_read():
    documented = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("##")
    }
    import re

    source = "".join(path.read_text() for path in (ROOT / "tuntas" / "settings").glob("*.py"))
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source)) | set(
        re.findall(r'environ\.get\("([A-Z_]+)"', source)
    )
    assert read - documented == set()
