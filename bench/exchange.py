"""`make bench-exchange`: the Open311 feed (GET /open311/v2/requests.json) on 1 M reports.

1. A SQLite database with ``--reports`` seeded reports (1 M by default), cached under
   var/bench/exchange-sqlite/ and reused while it holds at least that many (``tuntas migrate``
   brings a cached one up to date; ``--fresh`` seeds anew);
2. gunicorn (``--workers`` sync workers, DEBUG off) on 127.0.0.1;
3. per scenario a short warm-up, then ``--duration`` seconds at ``--clients`` closed-loop
   clients, each request from its own loopback address:
   - ``default``: GET requests.json with no argument (the last 90 days, newest first, the
     spec's default of the first 1000 requests) — a polled feed;
   - ``page_50``: page_size=50, the page of docs/targets (row 6);
   - ``mixed``: a jurisdiction, a status and a page (1–5) drawn at random per request;
   - ``cold``: page_size=1000 over a 30-day window starting at a random moment of the seeded
     years, so that almost every row is one no worker has answered before (the documents a
     worker remembers do not help: what a first or a rare request costs).
The target (issue #6 item 8) is ``default`` ≥ 100 req/s with p95 ≤ 250 ms. Prints JSON and
a Markdown table; nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import loadgen
from intake import BIN, REPO_DIR, _environment, _process_tree_cpu, _run, gunicorn
from loadgen import Browser, expect, next_address

CACHE_DIR = REPO_DIR / "var" / "bench" / "exchange-sqlite"
SCENARIOS = ("default", "page_50", "mixed", "cold")
TARGET_RPS = 100
WINDOW = datetime.timedelta(days=30)
TARGET_P95_MS = 250


def _count(env: dict[str, str], log: Path, code: str) -> Any:
    out = _run([str(BIN / "tuntas"), "shell", "-c", code], env, log)
    return json.loads(out.strip().splitlines()[-1])


def prepare(options: argparse.Namespace, log: Path) -> tuple[dict[str, str], dict[str, Any]]:
    cache_dir = options.cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    database = cache_dir / "tuntas.sqlite3"
    if options.fresh and database.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    env = _environment(cache_dir, f"sqlite:///{database}")
    tuntas = str(BIN / "tuntas")
    info: dict[str, Any] = {"cached": database.exists()}
    _run([tuntas, "migrate", "--no-input", "-v0"], env, log)
    count = _count(
        env,
        log,
        "import json; from tuntas.complaints.models import Report; "
        "print(json.dumps(Report.objects.count()))",
    )
    if count < options.reports:
        info["cached"] = False
        if count == 0:
            _run([tuntas, "demo", "load", "--quiet-logins"], env, log)
        started = time.perf_counter()
        _run(
            [tuntas, "seed", "--reports", str(options.reports - count), "--allow-without-debug"],
            env,
            log,
        )
        info["seed_seconds"] = round(time.perf_counter() - started, 1)
    info.update(
        _count(
            env,
            log,
            "import json, datetime; from django.utils import timezone; "
            "from tuntas.complaints.models import Report; "
            "recent = Report.objects.filter(visibility='public', "
            "submitted_at__gte=timezone.now() - datetime.timedelta(days=90)); "
            "print(json.dumps({'reports': Report.objects.count(), "
            "'public_in_90_days': recent.count(), "
            "'jurisdictions': sorted(set(recent.values_list('institution__slug', flat=True))), "
            "'first_public': Report.objects.filter(visibility='public').order_by('submitted_at')"
            ".values_list('submitted_at', flat=True).first().isoformat()}))",
        )
    )
    return env, info


class Scenarios:
    def __init__(self, port: int, jurisdictions: list[str], first_public: str) -> None:
        self.port = port
        self.jurisdictions = jurisdictions
        self.first_public = datetime.datetime.fromisoformat(first_public)

    def _get(self, path: str, params: dict[str, Any]) -> int:
        query = f"?{urlencode(params)}" if params else ""
        response = Browser(self.port, next_address()).request("GET", f"{path}{query}")
        expect(response, 200, path)
        if not response.body.startswith(b"["):
            raise loadgen.UnitFailed("not a JSON array")
        return 1

    def default(self, state: dict[str, Any]) -> int:
        return self._get("/open311/v2/requests.json", {})

    def mixed(self, state: dict[str, Any]) -> int:
        rng = state.setdefault("rng", random.Random())
        params = {
            "jurisdiction_id": rng.choice(self.jurisdictions),
            "status": rng.choice(["open", "closed", "open,closed"]),
            "page": rng.randint(1, 5),
        }
        return self._get("/open311/v2/requests.json", params)

    def page_50(self, state: dict[str, Any]) -> int:
        return self._get("/open311/v2/requests.json", {"page_size": 50})

    def cold(self, state: dict[str, Any]) -> int:
        rng = state.setdefault("rng", random.Random())
        span = datetime.datetime.now(datetime.UTC) - self.first_public - WINDOW
        start = self.first_public + span * rng.random()
        params = {
            "start_date": start.isoformat(timespec="seconds"),
            "end_date": (start + WINDOW).isoformat(timespec="seconds"),
            "page_size": 1000,
        }
        return self._get("/open311/v2/requests.json", params)


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"SQLite, {result['data']['reports']:,} reports "
        f"({result['data']['public_in_90_days']:,} public in the last 90 days), "
        f"gunicorn {result['workers']} sync workers, {result['clients']} clients:",
        "",
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in result["scenarios"].items():
        lines.append(
            f"| {name} | {s['requests_per_second']} | {s['p50_ms']} | {s['p95_ms']} | "
            f"{s['p99_ms']} | {s['errors']} | {s['server_cpu_ms_per_unit']} |"
        )
    default = result["scenarios"].get("default")
    if default:
        met = default["requests_per_second"] >= TARGET_RPS and default["p95_ms"] <= TARGET_P95_MS
        lines += [
            "",
            f"Target (≥ {TARGET_RPS} req/s, p95 ≤ {TARGET_P95_MS} ms): "
            f"{'met' if met else 'NOT met'}.",
        ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--fresh", action="store_true", help="Seed a new database.")
    parser.add_argument(
        "--cache-dir", type=Path, default=CACHE_DIR, help="Where the seeded database lives."
    )
    parser.add_argument("--results", type=Path, help="Also write the JSON here.")
    options = parser.parse_args()
    scenarios = [name for name in options.scenarios.split(",") if name]
    if set(scenarios) - set(SCENARIOS):
        parser.error(f"unknown scenarios: {sorted(set(scenarios) - set(SCENARIOS))}")
    machine = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
        "command": " ".join(sys.argv),
    }
    print(json.dumps(machine), flush=True)
    log = options.cache_dir / "bench.log"
    options.cache_dir.mkdir(parents=True, exist_ok=True)
    env, data = prepare(options, log)
    shown = {k: v for k, v in data.items() if k != "jurisdictions"}
    print(json.dumps({"data": shown}), flush=True)
    result: dict[str, Any] = {
        "data": data,
        "workers": options.workers,
        "clients": options.clients,
        "scenarios": {},
    }
    with gunicorn(
        "tuntas.wsgi:application",
        env,
        CACHE_DIR / "app.log",
        workers=options.workers,
        worker_class="sync",
    ) as (port, process):
        runner = Scenarios(port, data["jurisdictions"] or ["kota-magelang"], data["first_public"])
        for name in scenarios:
            unit = getattr(runner, name)
            loadgen.run(f"{name} warm-up", unit, clients=options.clients, seconds=3)
            cpu_before = _process_tree_cpu(process.pid)
            load = loadgen.run(name, unit, clients=options.clients, seconds=options.duration)
            cpu = _process_tree_cpu(process.pid) - cpu_before
            summary = load.summary()
            summary["server_cpu_ms_per_unit"] = (
                round(1000 * cpu / load.units, 2) if load.units else None
            )
            result["scenarios"][name] = summary
            print(json.dumps(summary), flush=True)
    machine["load_average_at_end"] = os.getloadavg()
    report = {"machine": machine, "result": result}
    if options.results:
        options.results.write_text(json.dumps(report, indent=2, default=str))
    print(json.dumps(report, indent=2, default=str))
    print()
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
