"""The per-client counters of the public pages on the embedded default cache (no Redis).

They run in real worker processes with the production settings: the limits hold only if every
worker sees every hit (tests elsewhere use the test settings' in-process cache).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HITS = """
import sys
import django
django.setup()
from django.conf import settings
from tuntas.complaints.abuse import limit_count, limit_hit, tracking_failure_limit
assert settings.CACHES["default"]["BACKEND"] == "tuntas.core.cache.PersistentDiskCache"
limit = tracking_failure_limit()
action, client, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
if action == "hit":
    for _ in range(count):
        limit_hit(limit, client)
elif action == "crowd":
    for number in range(count):
        limit_hit(limit, f"{client}-{number}")
print(limit_count(limit, client) if action != "crowd" else limit_count(limit, f"{client}-0"))
"""


def _worker(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tuntas.settings.base",
        TUNTAS_VAR_DIR=str(tmp_path / "var"),
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    return subprocess.Popen(
        [sys.executable, "-c", HITS, *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _output(process: subprocess.Popen[str]) -> int:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return int(out.strip().splitlines()[-1])


def test_hits_from_concurrent_workers_are_all_counted(tmp_path):
    workers = [_worker(tmp_path, "hit", "198.51.100.7", "150") for _ in range(3)]
    for worker in workers:
        _output(worker)
    assert _output(_worker(tmp_path, "hit", "198.51.100.7", "0")) == 450


def test_a_crowd_of_clients_does_not_evict_the_first_ones_counter(tmp_path):
    # Django's file cache keeps 300 entries and then drops a random third of them.
    assert _output(_worker(tmp_path, "crowd", "203.0.113", "1500")) == 1
