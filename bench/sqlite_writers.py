"""`make bench-sqlite-writers`: SQLite writers taking turns, Django's backend against Tuntas's.

Several processes (``--processes``, 3 like the benchmark's gunicorn) each run ``--seconds`` of
closed-loop work: some CPU outside a transaction (``--outside-ms``, parsing and rendering), then
one ``BEGIN IMMEDIATE`` transaction that inserts a row and spends ``--inside-ms`` of CPU (the
ORM building a report's rows), then COMMIT, on one WAL database with ``synchronous=FULL``.
The defaults (5 + 5 ms) are an API submission's shape as measured in-process before its
preparation moved out of the transaction; with mostly CPU outside (e.g. 2 + 4 ms) the two
cores are the limit and both backends do the same.

The same load runs under each backend in turn, alternating ``--rounds`` times in one run (the
machines here are noisy): ``django`` (SQLite's busy handler sleeps 1, 2, 5, 10… ms while the
lock is taken), ``tuntas`` (``tuntas.core.sqlite_backend``: writers queue on a file lock).
Prints transactions per second, the CPU seconds spent per transaction by the writers, the
machine's idle share and the ratio tuntas ÷ django per round. Nothing is written into the
repository.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import loadgen

REPO_DIR = Path(__file__).resolve().parent.parent
ENGINES = {"django": "django.db.backends.sqlite3", "tuntas": "tuntas.core.sqlite_backend"}


def _spin(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def _writer(engine: str, path: str, options: dict, start_at: float, results: object) -> None:
    sys.path.insert(0, str(REPO_DIR))
    import django
    from django.conf import settings

    settings.configure(
        DATABASES={
            "default": {
                "ENGINE": engine,
                "NAME": path,
                "OPTIONS": {
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                },
            }
        },
        USE_TZ=True,
    )
    django.setup()
    from django.db import connection, transaction

    connection.ensure_connection()
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = time.monotonic() + options["seconds"]
    cpu_before = time.process_time()
    done = 0
    while time.monotonic() < deadline:
        _spin(options["outside_ms"] / 1000)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO line (text) VALUES (%s)", ["baris laporan"])
            _spin(options["inside_ms"] / 1000)
        done += 1
    results.put((done, time.process_time() - cpu_before))  # type: ignore[attr-defined]


def run_once(name: str, options: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="tuntas-writers-") as directory:
        path = os.path.join(directory, "writers.sqlite3")
        import sqlite3

        with sqlite3.connect(path) as setup:
            setup.execute("PRAGMA journal_mode=WAL")
            setup.execute("CREATE TABLE line (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        start_at = time.time() + 3  # every process set up before the clock starts
        workers = [
            context.Process(
                target=_writer,
                args=(ENGINES[name], path, vars(options), start_at, results),
            )
            for _ in range(options.processes)
        ]
        for worker in workers:
            worker.start()
        while time.time() < start_at:
            time.sleep(0.01)
        ticks_before = loadgen.machine_ticks()
        outcomes = [results.get(timeout=options.seconds + 60) for _ in workers]
        ticks_after = loadgen.machine_ticks()
        for worker in workers:
            worker.join()
    transactions = sum(done for done, _cpu in outcomes)
    cpu = sum(cpu for _done, cpu in outcomes)
    return {
        "backend": name,
        "transactions_per_second": round(transactions / options.seconds, 1),
        "writer_cpu_ms_per_transaction": round(1000 * cpu / transactions, 3),
        "machine_idle_share": loadgen.idle_share(ticks_before, ticks_after),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--inside-ms", type=float, default=5.0)
    parser.add_argument("--outside-ms", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--results", type=Path, help="Also write the JSON here.")
    options = parser.parse_args()
    rounds = []
    for number in range(1, options.rounds + 1):
        measured = {name: run_once(name, options) for name in ENGINES}
        ratio = round(
            measured["tuntas"]["transactions_per_second"]
            / measured["django"]["transactions_per_second"],
            2,
        )
        rounds.append({"round": number, **measured, "tuntas_over_django": ratio})
        print(json.dumps(rounds[-1]), flush=True)
    summary = {
        "options": {k: v for k, v in vars(options).items() if k != "results"},
        "cpus": os.cpu_count(),
        "rounds": rounds,
        "median_tuntas_over_django": statistics.median(r["tuntas_over_django"] for r in rounds),
    }
    if options.results:
        options.results.write_text(json.dumps(summary, indent=2, default=str))
    print()
    print("| round | django tx/s | tuntas tx/s | tuntas ÷ django | idle django | idle tuntas |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rounds:
        print(
            f"| {r['round']} | {r['django']['transactions_per_second']} "
            f"| {r['tuntas']['transactions_per_second']} | {r['tuntas_over_django']} "
            f"| {r['django']['machine_idle_share']} | {r['tuntas']['machine_idle_share']} |"
        )
    print(f"\nMedian tuntas ÷ django: {summary['median_tuntas_over_django']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
