"""Kill report submissions a thousand times; after each kill, check that nothing was lost.

    .venv/bin/python bench/crash_loop.py --kills 1000            # fresh SQLite database
    .venv/bin/python bench/crash_loop.py --kills 1000 --postgres # fresh PostgreSQL database

Two kinds of kill alternate: at a named fault point (TUNTAS_FAULT_POINT, each of the six in
turn: after the insert, in the middle of an attachment write, after the files, after the
receipt insert, before the commit, after the commit), and from outside with SIGKILL after a
random delay, wherever the submission happens to be. Each submitting process is forked from
this one (cheap, and the child opens its own database connection); after it dies this process
reconnects, as a restarted server would, and checks with crash_harness.inspect: every
acknowledged report complete with the very files sent, no partial report, PRAGMA
integrity_check "ok" and an empty foreign_key_check (SQLite), the audit chain intact.
Exit status 1 if any check failed. Used for the figure in docs/benchmarks.md (targets #11, #12).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[1]
TUNTAS = str(Path(sys.executable).with_name("tuntas"))


def _fresh_postgres(server: str) -> tuple[str, str]:
    import psycopg

    name = f"tuntas_crash_{secrets.token_hex(4)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}", name


def _drop_postgres(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _child(write_end: int, tag: str, fault: str | None) -> None:
    """Runs in the forked process: acknowledge what report_submit returned, then die."""
    import crash_harness

    try:
        for number in range(1 if fault else 1000):
            ack = crash_harness.submit_one(f"{tag}-{number}")
            os.write(write_end, ("ACK " + json.dumps(ack) + "\n").encode())
        if fault:
            os.environ["TUNTAS_FAULT_POINT"] = fault
            crash_harness.submit_one(f"{tag}-killed")
    except BaseException:  # noqa: BLE001 - show why the child failed, then die anyway
        import traceback

        traceback.print_exc()
    finally:
        os._exit(3)  # reached only if the fault point did not fire


def run(kills: int, random_share: float, seed: int) -> dict:
    import crash_harness
    from django.db import connections

    crash_harness.prepare()
    crash_harness.submit_one("warm-up")  # imports and caches, so that children start warm
    rng = random.Random(seed)
    acked: list[dict] = []
    expect_absent: list[str] = []
    failures: list[dict] = []
    kinds = {"fault": 0, "random": 0}
    checked_from = 0
    started = time.perf_counter()
    for kill in range(kills):
        use_random = rng.random() < random_share
        fault = None if use_random else crash_harness.FAULT_POINTS[kill % 6]
        tag = f"k{kill}"
        connections.close_all()  # the child must not share our database connection
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            _child(write_end, tag, fault)
        os.close(write_end)
        if use_random:
            time.sleep(rng.uniform(0.0, 0.5))
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        with os.fdopen(read_end, "rb") as pipe:
            lines = pipe.read().decode().splitlines()
        acked += [json.loads(line[4:]) for line in lines if line.startswith("ACK ")]
        if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
            failures.append({"kill": kill, "problem": f"child not killed (status {status})"})
        kinds["random" if use_random else "fault"] += 1
        if fault and fault not in crash_harness.COMMITTED_POINTS:
            expect_absent.append(f"{tag}-killed")
        result = crash_harness.inspect(
            acked, files_from_id=checked_from, expect_absent=expect_absent[-1:]
        )
        checked_from = result["max_attachment_id"] + 1
        if result["problems"]:
            failures.append({"kill": kill, "fault": fault, "problems": result["problems"]})
            print(f"kill {kill} ({fault or 'random'}): {result['problems']}", flush=True)
        if (kill + 1) % 100 == 0:
            print(
                f"  {kill + 1:>5} kills, {len(acked)} acknowledged, "
                f"{result['reports']} stored, {len(failures)} failed checks, "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
    final = crash_harness.inspect(acked, expect_absent=expect_absent)  # everything, re-hashed
    if final["problems"]:
        failures.append({"kill": "final", "problems": final["problems"]})
    return {
        "kills": kills,
        "kinds": kinds,
        "acknowledged": len(acked),
        "stored": final["reports"],
        "lost": sum("LOST" in problem for problem in final["problems"]),
        "failed_checks": len(failures),
        "failures": failures[:20],
        "orphan_files": final["orphan_files"],
        "audit_events": final["audit_events"],
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument(
        "--random-share", type=float, default=0.3, help="Share of kills at a random moment (0.3)."
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", action="store_true", help="Use a fresh PostgreSQL database.")
    parser.add_argument("--postgres-server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--var-dir", type=Path, help="Keep the data here (default: a temp dir).")
    options = parser.parse_args()

    var_dir = options.var_dir or Path(tempfile.mkdtemp(prefix="tuntas-crash-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    database_name = None
    if options.postgres:
        database_url, database_name = _fresh_postgres(options.postgres_server)
    else:
        database_url = f"sqlite:///{var_dir / 'tuntas.sqlite3'}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tuntas.settings.base",
        TUNTAS_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        EMAIL_URL="consolemail://",
    )
    os.environ.pop("TUNTAS_FAULT_POINT", None)
    try:
        subprocess.run([TUNTAS, "migrate", "--no-input", "-v0"], cwd=REPO_DIR, check=True)
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import crash_harness

        crash_harness.setup_django()
        sys.stdout.flush()  # before forking, or the children print our buffer again
        summary = run(options.kills, options.random_share, options.seed)
    finally:
        if database_name is not None:
            from django.db import connections

            connections.close_all()
            _drop_postgres(options.postgres_server, database_name)
    summary["database"] = "postgresql" if options.postgres else "sqlite"
    summary["var_dir"] = str(var_dir)
    print(json.dumps(summary, indent=2))
    return 1 if summary["failed_checks"] else 0


if __name__ == "__main__":
    sys.exit(main())
