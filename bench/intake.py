"""`make bench-intake`: report submissions and tracking look-ups under load, against yardsticks.

For each database (SQLite file, then a fresh PostgreSQL database) in a throw-away var/:

1. migrate, collectstatic, ``tuntas demo load``, ``tuntas seed --reports N`` (1 M by default,
   timed) with a file of known number/code pairs, and API keys for 200 gateways;
2. gunicorn (3 sync workers, DEBUG off, production settings untouched) serving Tuntas, and the
   same gunicorn configuration serving bench/baseline_app's two views (``/hello``, and
   ``/insert``: one row in one transaction) twice: as bare Django on the same database
   settings and nothing else (``baseline_app.settings``), and under Tuntas's own settings, with
   its whole middleware stack (``baseline_app.settings_stack``);
3. for each scenario, a short warm-up and then ``--duration`` seconds at ``--clients``
   concurrent clients (closed loop, loopback only):

   - ``hello``: GET /hello on the bare baseline app;
   - ``insert``: POST /insert on the bare baseline app;
   - ``hello_stack``, ``insert_stack``: the same under Tuntas's settings;
   - ``api``: POST /api/v1/reports (JSON, bearer key, Idempotency-Key), expecting 201;
   - ``web``: one citizen through the web form: GET /lapor/, POST /lapor/, POST
     /lapor/periksa/, GET /lapor/terima-kasih/ (the unit is the whole submission);
   - ``lookup``: POST /lacak/ with a random valid number and access code, expecting the 302 to
     the report (a fresh session each time; the CSRF token is fetched once per client).

Each request comes from its own loopback address (127.x.y.z): the per-address limits of the
public pages then see a crowd, as in a real surge; API keys rotate for the per-key limit.
Server CPU is read from /proc (gunicorn master and workers) before and after each scenario, as
are the PostgreSQL server's processes (the database shares the cores) and the load generator's
own CPU, and the share of the whole machine left idle (/proc/stat): idle cores under load mean a
lock, not CPU.
Prints JSON and a Markdown table; nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import loadgen
from loadgen import Browser, expect, next_address

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
BIN = Path(sys.executable).parent
SCENARIOS = ("hello", "insert", "hello_stack", "insert_stack", "api", "web", "lookup")
TICKS = os.sysconf("SC_CLK_TCK")

DESCRIPTIONS = (
    "Jalan di depan pasar berlubang besar sejak bulan lalu dan sudah ada pengendara jatuh.",
    "Ibu saya ditolak di loket pendaftaran puskesmas karena kartu BPJS dianggap tidak aktif.",
    "Pengurusan KTP elektronik sudah tiga bulan belum selesai dengan alasan blangko habis.",
    "Anak kami dimintai sumbangan gedung yang katanya wajib, tanpa kuitansi dan dasar tertulis.",
)


# --- Processes ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(args: list[str], env: dict[str, str], log: Path, **kwargs: Any) -> str:
    with log.open("a") as out:
        out.write(f"$ {' '.join(args)}\n")
    result = subprocess.run(
        args, cwd=REPO_DIR, env=env, capture_output=True, text=True, check=False, **kwargs
    )
    with log.open("a") as out:
        out.write(result.stderr[-20000:])
    if result.returncode != 0:
        raise SystemExit(f"`{' '.join(args)}` failed:\n{result.stderr[-4000:]}")
    return result.stdout


def _processes() -> Iterator[tuple[int, str, list[str]]]:
    """(pid, command name, the fields after the name) of every process, from /proc."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text.split("(", 1)[1].rsplit(")", 1)
        yield int(stat.parent.name), name, rest.split()


def _cpu_seconds(fields: list[str]) -> float:
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _process_tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of ``root`` and its children."""
    return sum(
        _cpu_seconds(fields)
        for pid, _name, fields in _processes()
        if pid == root or int(fields[1]) == root
    )


def _database_server_cpu(kind: str) -> float | None:
    """CPU seconds of the PostgreSQL server so far (its backends, WAL writer, checkpointer…),
    including backends that have exited: the postmaster's reaped children (cutime + cstime).
    None for SQLite, whose work runs inside the gunicorn workers."""
    if kind != "postgres":
        return None
    server = {pid: fields for pid, name, fields in _processes() if name.startswith("postgres")}
    total = 0.0
    for fields in server.values():
        total += _cpu_seconds(fields)
        if int(fields[1]) not in server:  # the postmaster
            total += (int(fields[13]) + int(fields[14])) / TICKS
    return total


@contextmanager
def gunicorn(
    application: str, env: dict[str, str], log: Path, *, workers: int, worker_class: str
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = _free_port()
    command = [
        str(BIN / "gunicorn"),
        application,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--backlog",
        "2048",
        "--timeout",
        "120",
        "--error-logfile",
        str(log),
    ]
    if worker_class == "gthread":
        command += ["--threads", "4"]
    if application.startswith("baseline_app"):
        command += ["--pythonpath", str(BENCH_DIR)]
    process = subprocess.Popen(command, cwd=REPO_DIR, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{application} did not start; see {log}") from None
                time.sleep(0.2)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Scenarios ------------------------------------------------------------------------------


class Scenarios:
    def __init__(
        self,
        app_port: int,
        base_port: int,
        stack_port: int,
        catalogue: dict,
        pairs: list[tuple[str, str]],
    ):
        self.app_port = app_port
        self.base_port = base_port
        self.stack_port = stack_port
        self.catalogue = catalogue
        self.pairs = pairs
        self.keys = itertools.cycle(catalogue["keys"])

    @staticmethod
    def _rng(state: dict[str, Any]) -> random.Random:
        if "rng" not in state:
            state["rng"] = random.Random(secrets.randbits(64))
        return state["rng"]

    def hello(self, state: dict[str, Any], port: int = 0) -> int:
        browser = Browser(port or self.base_port, next_address())
        expect(browser.request("GET", "/hello"), 200, "hello")
        return 1

    def insert(self, state: dict[str, Any], port: int = 0) -> int:
        browser = Browser(port or self.base_port, next_address())
        expect(browser.request("POST", "/insert", form={"text": "baris"}), 201, "insert")
        return 1

    def hello_stack(self, state: dict[str, Any]) -> int:
        return self.hello(state, self.stack_port)

    def insert_stack(self, state: dict[str, Any]) -> int:
        return self.insert(state, self.stack_port)

    def _report(self, rng: random.Random) -> tuple[dict, dict, str, str]:
        institution = rng.choice(self.catalogue["institutions"])
        category = rng.choice(self.catalogue["categories"])
        unit = rng.choice([*institution["units"], None])
        mode = rng.choice(["anonim", "terbuka", "rahasia"])
        return institution, category, mode, "" if unit is None else str(unit)

    def api(self, state: dict[str, Any]) -> int:
        rng = self._rng(state)
        institution, category, mode, unit = self._report(rng)
        body: dict[str, Any] = {
            "institution": institution["slug"],
            "unit": int(unit) if unit else None,
            "category": category["slug"],
            "title": "Laporan dari gateway SMS",
            "description": rng.choice(DESCRIPTIONS),
            "identity_mode": mode,
            "external_id": uuid.uuid4().hex,
        }
        if mode != "anonim":
            number = rng.randrange(10**6)
            body["identity"] = {"name": "Warga Uji Beban", "email": f"warga{number}@contoh.test"}
            body["consent"] = True
        response = Browser(self.app_port, next_address()).request(
            "POST",
            "/api/v1/reports",
            body=json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {next(self.keys)}",
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            },
        )
        expect(response, 201, "api submit")
        return 1

    def web(self, state: dict[str, Any]) -> int:
        rng = self._rng(state)
        institution, category, mode, unit = self._report(rng)
        browser = Browser(self.app_port, next_address())
        token = browser.csrf_from(expect(browser.request("GET", "/lapor/"), 200, "form"))
        form = {
            "csrfmiddlewaretoken": token,
            "action": "review",
            "title": "Pelayanan lambat di loket",
            "description": rng.choice(DESCRIPTIONS),
            "institution": str(institution["pk"]),
            "unit": unit,
            "category": str(category["pk"]),
            "identity_mode": mode,
            "visibility": "private",
        }
        if mode != "anonim":
            form.update(name="Warga Uji Beban", email=f"warga{rng.randrange(10**6)}@contoh.test")
            form["consent"] = "on"
        sent = expect(browser.request("POST", "/lapor/", form=form), 302, "form post")
        if not sent.header("Location").endswith("/lapor/periksa/"):
            raise loadgen.UnitFailed(f"form post went to {sent.header('Location')!r}")
        confirm = {"csrfmiddlewaretoken": token, "action": "send"}
        done = expect(browser.request("POST", "/lapor/periksa/", form=confirm), 302, "send")
        if not done.header("Location").endswith("/lapor/terima-kasih/"):
            raise loadgen.UnitFailed(f"send went to {done.header('Location')!r}")
        receipt = expect(browser.request("GET", "/lapor/terima-kasih/"), 200, "receipt")
        if b"LM-" not in receipt.body:
            raise loadgen.UnitFailed("the receipt shows no report number")
        return 4

    def lookup(self, state: dict[str, Any]) -> int:
        requests = 0
        if "token" not in state:
            browser = Browser(self.app_port, next_address())
            state["token"] = browser.csrf_from(
                expect(browser.request("GET", "/lacak/"), 200, "lookup form")
            )
            state["csrf_cookie"] = browser.cookies["csrftoken"]
            requests += 1
        number, code = self._rng(state).choice(self.pairs)
        # A new visitor each time: only the CSRF cookie, no session.
        browser = Browser(self.app_port, next_address(), {"csrftoken": state["csrf_cookie"]})
        form = {
            "csrfmiddlewaretoken": state["token"],
            "number": f"{number[:9]}-{number[9:]}",
            "access_code": "-".join(code[i : i + 4] for i in range(0, 16, 4)),
        }
        found = expect(browser.request("POST", "/lacak/", form=form), 302, "lookup")
        if "/lacak/LM-" not in found.header("Location"):
            raise loadgen.UnitFailed(f"lookup went to {found.header('Location')!r}")
        return requests + 1


# --- One database ---------------------------------------------------------------------------


def _environment(var_dir: Path, database_url: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "REDIS_URL",
            "TUNTAS_FAULT_POINT",
            "DEBUG",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tuntas.settings.base",
        TUNTAS_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(48),
        LOG_LEVEL="WARNING",
        EMAIL_URL="consolemail://",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def _database(kind: str, var_dir: Path, server: str, keep: bool) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{var_dir / 'tuntas.sqlite3'}"
        return
    import psycopg

    name = f"tuntas_bench_{secrets.token_hex(4)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        if not keep:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _report_count(env: dict[str, str], log: Path) -> int:
    code = "from tuntas.complaints.models import Report; print(Report.objects.count())"
    return int(_run([str(BIN / "tuntas"), "shell", "-c", code], env, log).strip().splitlines()[-1])


def bench_database(kind: str, options: argparse.Namespace) -> dict[str, Any]:
    var_dir = Path(tempfile.mkdtemp(prefix=f"tuntas-bench-{kind}-"))
    log = var_dir / "bench.log"
    print(f"[{kind}] working in {var_dir}", flush=True)
    result: dict[str, Any] = {"database": kind, "scenarios": {}}
    with _database(kind, var_dir, options.postgres_server, options.keep) as database_url:
        env = _environment(var_dir, database_url)
        tuntas = str(BIN / "tuntas")
        _run([tuntas, "migrate", "--no-input", "-v0"], env, log)
        _run([tuntas, "collectstatic", "--no-input", "-v0"], env, log)
        _run([tuntas, "demo", "load", "--quiet-logins"], env, log)
        baseline_env = {**env, "DJANGO_SETTINGS_MODULE": "baseline_app.settings"}
        stack_env = {**env, "DJANGO_SETTINGS_MODULE": "baseline_app.settings_stack"}
        _run(
            [sys.executable, str(BENCH_DIR / "baseline_app" / "manage.py"), "migrate", "-v0"],
            baseline_env,
            log,
        )
        pairs_file = var_dir / "pairs.tsv"
        if options.seed_reports:
            started = time.perf_counter()
            _run(
                [
                    tuntas,
                    "seed",
                    "--reports",
                    str(options.seed_reports),
                    "--pairs-file",
                    str(pairs_file),
                    "--pairs",
                    str(options.pairs),
                    "--allow-without-debug",
                ],
                env,
                log,
            )
            result["seed_seconds"] = round(time.perf_counter() - started, 1)
            print(
                f"[{kind}] seeded {options.seed_reports:,} in {result['seed_seconds']} s",
                flush=True,
            )
        pairs = (
            [tuple(line.split("\t")) for line in pairs_file.read_text().splitlines() if line]
            if pairs_file.exists()
            else []
        )
        catalogue = json.loads(
            _run([sys.executable, str(BENCH_DIR / "intake_setup.py"), "--keys", "200"], env, log)
        )
        reports_before = _report_count(env, log)
        server = {"workers": options.workers, "worker_class": options.worker_class}
        with (
            gunicorn("tuntas.wsgi:application", env, var_dir / "app.log", **server) as (
                app_port,
                app,
            ),
            gunicorn(
                "baseline_app.wsgi:application", baseline_env, var_dir / "base.log", **server
            ) as (base_port, base),
            gunicorn(
                "baseline_app.wsgi:application", stack_env, var_dir / "stack.log", **server
            ) as (stack_port, stack),
        ):
            scenarios = Scenarios(app_port, base_port, stack_port, catalogue, pairs)
            servers = {"hello": base, "insert": base, "hello_stack": stack, "insert_stack": stack}
            for name in options.scenarios:
                if name == "lookup" and not pairs:
                    continue
                unit = getattr(scenarios, name)
                server_pid = servers.get(name, app).pid
                loadgen.run(f"{name} warm-up", unit, clients=options.clients, seconds=3)
                cpu_before = _process_tree_cpu(server_pid)
                database_before = _database_server_cpu(kind)
                ticks_before = loadgen.machine_ticks()
                load = loadgen.run(
                    name,
                    unit,
                    clients=options.clients,
                    seconds=options.duration,
                    max_units=options.max_units,
                )
                cpu = _process_tree_cpu(server_pid) - cpu_before
                database_after = _database_server_cpu(kind)
                ticks_after = loadgen.machine_ticks()
                summary = load.summary()
                summary["server_cpu_ms_per_unit"] = (
                    round(1000 * cpu / load.units, 2) if load.units else None
                )
                summary["server_cpu_share"] = round(cpu / load.seconds / os.cpu_count(), 2)
                # The database server shares the cores too (PostgreSQL only: all its processes).
                summary["database_cpu_ms_per_unit"] = (
                    round(1000 * (database_after - database_before) / load.units, 2)
                    if database_before is not None and database_after is not None and load.units
                    else None
                )
                summary["client_cpu_ms_per_unit"] = (
                    round(1000 * load.client_cpu_seconds / load.units, 2) if load.units else None
                )
                # Idle cores while 32 clients wait mean the server waits on a lock, not on CPU.
                summary["machine_idle_share"] = loadgen.idle_share(ticks_before, ticks_after)
                result["scenarios"][name] = summary
                print(f"[{kind}] {json.dumps(summary)}", flush=True)
        reports_after = _report_count(env, log)
        acknowledged = sum(
            result["scenarios"].get(name, {}).get("units", 0) for name in ("api", "web")
        )
        warmups = reports_after - reports_before - acknowledged
        result["reports_stored_vs_acknowledged"] = {
            "stored_during_runs": reports_after - reports_before,
            "acknowledged_in_timed_runs": acknowledged,
            "from_warm_ups_and_unfinished": warmups,
        }
    if not options.keep:
        shutil.rmtree(var_dir, ignore_errors=True)
    return result


def _ratio(result: dict[str, Any], top: str, bottom: str, key: str) -> float | None:
    scenarios = result["scenarios"]
    if top not in scenarios or bottom not in scenarios or not scenarios[bottom][key]:
        return None
    return round(scenarios[top][key] / scenarios[bottom][key], 2)


def markdown(results: list[dict[str, Any]], options: argparse.Namespace) -> str:
    lines = []
    for result in results:
        lines += [
            f"**{result['database']}**"
            + (
                f" — seeding {options.seed_reports:,} reports took {result['seed_seconds']} s"
                if "seed_seconds" in result
                else ""
            ),
            "",
            "| scenario | units/s | requests/s | p50 ms | p95 ms | p99 ms | errors "
            "| CPU ms/unit: server, database, load generator | idle share |",
            "|---|---:|---:|---:|---:|---:|---:|---|---:|",
        ]
        for name, s in result["scenarios"].items():
            lines.append(
                f"| {name} | {s['units_per_second']} | {s['requests_per_second']} | {s['p50_ms']} "
                f"| {s['p95_ms']} | {s['p99_ms']} | {s['errors']} | {s['server_cpu_ms_per_unit']}, "
                f"{s['database_cpu_ms_per_unit'] if s['database_cpu_ms_per_unit'] is not None else '–'}, "
                f"{s['client_cpu_ms_per_unit']} | {s['machine_idle_share']} |"
            )
        ratios = {
            "api ÷ insert": _ratio(result, "api", "insert", "units_per_second"),
            "web ÷ insert": _ratio(result, "web", "insert", "units_per_second"),
            "lookup ÷ hello (requests/s)": _ratio(result, "lookup", "hello", "requests_per_second"),
            "api ÷ insert_stack": _ratio(result, "api", "insert_stack", "units_per_second"),
            "web ÷ insert_stack": _ratio(result, "web", "insert_stack", "units_per_second"),
            "lookup ÷ hello_stack (requests/s)": _ratio(
                result, "lookup", "hello_stack", "requests_per_second"
            ),
        }
        lines += ["", "Ratios: " + ", ".join(f"{k} = {v}" for k, v in ratios.items()), ""]
        result["ratios"] = ratios
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--max-units", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--seed-reports", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--postgres-server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--results", type=Path, help="Also write the JSON here.")
    parser.add_argument("--keep", action="store_true", help="Keep the var dirs and databases.")
    options = parser.parse_args()
    options.scenarios = [name for name in options.scenarios.split(",") if name]
    unknown = set(options.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {sorted(unknown)}")

    machine = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu_model": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "?",
        ),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg(),
        "command": " ".join(sys.argv),
    }
    print(json.dumps(machine), flush=True)
    results = [bench_database(kind, options) for kind in options.databases.split(",") if kind]
    machine["load_average_at_end"] = os.getloadavg()
    table = markdown(results, options)
    report = {
        "machine": machine,
        "options": {k: v for k, v in vars(options).items() if k != "results"},
        "results": results,
    }
    if options.results:
        options.results.write_text(json.dumps(report, indent=2, default=str))
    print(json.dumps(report, indent=2, default=str))
    print()
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
