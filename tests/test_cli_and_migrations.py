from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tuntas.cli import _translate

ROOT = Path(__file__).resolve().parents[1]


def test_the_cli_joins_two_words_into_a_known_command(db):
    assert _translate(["demo", "load", "--if-empty"]) == ["demo_load", "--if-empty"]
    assert _translate(["audit", "verify"]) == ["audit_verify"]
    assert _translate(["migrate", "--plan"]) == ["migrate", "--plan"]
    assert _translate(["runserver", "127.0.0.1:8000"]) == ["runserver", "127.0.0.1:8000"]


def test_the_cli_reports_a_configuration_error_without_a_traceback(tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).with_name("tuntas")), "check"],
        env={"PATH": "/usr/bin:/bin", "TUNTAS_VAR_DIR": str(tmp_path), "DEBUG": "kadang"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("tuntas: configuration error: Setting DEBUG='kadang'")


def test_migrations_never_import_application_code():
    offenders = []
    for migration in ROOT.glob("tuntas/*/migrations/0*.py"):
        tree = ast.parse(migration.read_text())
        for node in ast.walk(tree):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if (module or "").startswith("tuntas") or any(
                name.startswith("tuntas") for name in names
            ):
                offenders.append(migration.name)
    assert offenders == []


def test_migrations_have_descriptive_names():
    generic = [
        path.name for path in ROOT.glob("tuntas/*/migrations/0*.py") if "_auto_" in path.name
    ]
    assert generic == []
