"""`make bench-handling`, part 2: the officer's inbox and the whole deadline sweep at scale.

    python bench/inbox.py [--reports 1000000] [--small 10000] [--requests 200] [--no-sweep]

For each size (``--small`` and ``--reports``) a SQLite database is built once and cached under
var/bench/ (``handling-<N>.sqlite3``; delete it to rebuild):

1. ``tuntas migrate``, ``tuntas demo load``, extra synthetic units until there are 700 units,
   ``tuntas seed --reports N`` (synthetic reports, see tuntas/complaints/seeding.py);
2. one agency case per report, all OPEN, inserted in one SQL statement: states spread over
   the open states, due dates spread over the 45 days before and after BENCH_TODAY, 5 % paused
   (waiting for the reporter). The seeder does not open cases, so this step stands in for
   ``agency_case_open``, which every real report goes through.

Inbox: the real view, in-process through Django's test client (no network, DEBUG off), signed
in as an officer of one unit (the median unit by number of cases) and as the head of the
institution with the most cases. Each request is one of: the default inbox, ``deadline=
overdue``, ``sort=-received``, ``state=in_follow_up``, ``page=3``. Reported: p50/p95 per actor
and the ratio p95(large)/p95(small); the issue asks p95 ≤ 300 ms at 1 M and ratio ≤ 1.5.

Sweep: on a copy of the large database, made to look like the day after a daily sweep (every
case whose due date passed before yesterday was escalated for it; every case due before today
was reminded), ``tuntas sla sweep --date BENCH_TODAY`` runs as a subprocess and is timed whole
(process start included). The issue asks under 60 s on SQLite.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
TUNTAS = str(Path(sys.executable).with_name("tuntas"))
CACHE_DIR = REPO_DIR / "var" / "bench"
TARGET_UNITS = 700
BENCH_TODAY = datetime.date(2026, 11, 10)  # a Tuesday, not a holiday
QUERIES = ("", "deadline=overdue", "sort=-received", "state=in_follow_up", "page=3")

EXTRA_UNITS_SCRIPT = """
from tuntas.institutions.models import Institution, InstitutionKind, Unit
from tuntas.institutions.services import unit_create
partners = list(
    Institution.objects.filter(is_active=True)
    .exclude(kind__in=InstitutionKind.ombudsman_kinds())
    .order_by("pk")
)
# Kinds the seeder sends reports to (tuntas/complaints/seeding.py CATEGORY_UNITS).
kinds = [("kecamatan", "Kecamatan"), ("puskesmas", "Puskesmas"), ("sekolah", "Sekolah"), ("biro", "Biro")]
missing = {target} - Unit.objects.count()
for n in range(max(missing, 0)):
    kind, word = kinds[n % len(kinds)]
    unit_create(
        actor=None, institution=partners[n % len(partners)], name=f"{{word}} Sintetis {{n + 1}}", kind=kind
    )
print(Unit.objects.count())
"""

# Open states with their share in per mille; info_requested cases are paused (no due date).
STATE_SHARES = (
    ("received", 250),
    ("verified", 50),
    ("dispositioned", 250),
    ("in_follow_up", 250),
    ("awaiting_approval", 50),
    ("info_requested", 50),
    ("escalated", 50),
    ("disputed", 50),
)


def _cases_sql() -> str:
    whens, low = [], 0
    for state, share in STATE_SHARES:
        low += share
        whens.append(f"WHEN h < {low} THEN '{state}'")
    # Built from this module's constants only (no outside input).
    return f"""
    INSERT INTO cases_agencycase (
        report_id, institution_id, unit_id, assigned_to_id, state, complexity, version, stage,
        stage_started_on, due_on, paused_on, remaining_when_paused, pauses, calendar_version,
        reminded_for, escalated_for, draft_response, resolution_summary, rejection_reason,
        opened_at, closed_at
    )
    SELECT id, institution_id, unit_id, NULL, state, 'simple', 1, 'agency.verification',
        date(:today, '-10 days'),
        CASE WHEN state = 'info_requested' THEN NULL
             ELSE date(:today, ((d % 91) - 45) || ' days') END,
        CASE WHEN state = 'info_requested' THEN date(:today, '-2 days') END,
        CASE WHEN state = 'info_requested' THEN 3 END,
        '[]', '', NULL, NULL, '', '', '', submitted_at, NULL
    FROM (
        SELECT id, institution_id, unit_id, submitted_at, d, CASE {" ".join(whens)} END AS state
        FROM (
            SELECT id, institution_id, unit_id, submitted_at,
                (id * 2654435761) % 1000 AS h, id * 40503 AS d
            FROM complaints_report
            WHERE id NOT IN (SELECT report_id FROM cases_agencycase)
        )
    )
    """  # noqa: S608


def environment(database: Path, var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tuntas.settings.base",
        DATABASE_URL=f"sqlite:///{database}",
        TUNTAS_VAR_DIR=str(var_dir),
        DEBUG="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def tuntas(env: dict[str, str], *args: str) -> str:
    began = time.perf_counter()
    result = subprocess.run(
        [TUNTAS, *args], cwd=REPO_DIR, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"`tuntas {' '.join(args[:3])}` failed:\n{result.stderr[-4000:]}")
    print(f"  tuntas {' '.join(args[:3])}: {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return result.stdout


def build(reports: int) -> Path:
    """The cached database with ``reports`` reports and as many open cases."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    database = CACHE_DIR / f"handling-{reports}.sqlite3"
    if database.exists():
        return database
    partial = database.with_suffix(".partial")
    for leftover in CACHE_DIR.glob(partial.name + "*"):
        leftover.unlink()
    var_dir = CACHE_DIR / "var"
    var_dir.mkdir(exist_ok=True)
    env = environment(partial, var_dir)
    print(f"Building {database.name} (cached for later runs)", file=sys.stderr)
    tuntas(env, "migrate", "--no-input", "-v0")
    tuntas(env, "demo", "load", "--quiet-logins")
    tuntas(env, "shell", "-c", EXTRA_UNITS_SCRIPT.format(target=TARGET_UNITS))
    tuntas(env, "seed", "--reports", str(reports), "--allow-without-debug", "-v0")
    import sqlite3

    began = time.perf_counter()
    with sqlite3.connect(partial) as connection:
        connection.execute(_cases_sql(), {"today": BENCH_TODAY.isoformat()})
        connection.execute("ANALYZE")
    connection.close()
    print(f"  open cases inserted: {time.perf_counter() - began:.1f} s", file=sys.stderr)
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(database)
    return database


def measure_inbox(database: Path, requests: int) -> dict[str, dict[str, float]]:
    """Runs in a child process: Django is set up once per database."""
    script = f"""
import json, statistics, time
import django
django.setup()
import time_machine
from django.db.models import Count
from django.test import Client
from tuntas.accounts.models import Membership, Role
from tuntas.cases.models import AgencyCase

def timed(client, count):
    samples = []
    for n in range(count):
        query = {QUERIES!r}[n % {len(QUERIES)}]
        began = time.perf_counter()
        response = client.get("/staf/kasus/" + ("?" + query if query else ""))
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    return samples

by_unit = list(AgencyCase.objects.values("unit_id").exclude(unit_id=None).annotate(n=Count("pk")).order_by("n"))
unit_id = by_unit[len(by_unit) // 2]["unit_id"]
officer = Membership.objects.filter(role=Role.OFFICER, unit_id=unit_id).select_related("user").first()
from tuntas.accounts.services import membership_grant, user_create
from django.db import transaction
from tuntas.institutions.models import Unit
unit = Unit.objects.select_related("institution").get(pk=unit_id)
if officer is None:
    user = user_create(
        actor=None, email=f"bench.officer.{{unit_id}}@contoh.test", full_name="Petugas Bench",
        password="bench-password-123456",
    )
    membership_grant(
        actor=None, user=user, institution=unit.institution, role=Role.OFFICER, unit=unit
    )
else:
    user = officer.user
top = AgencyCase.objects.values("institution_id").annotate(n=Count("pk")).order_by("-n")[0]
head = (
    Membership.objects.filter(role=Role.HEAD, institution_id=top["institution_id"], unit=None)
    .select_related("user")
    .first()
)
if head is None:
    from tuntas.institutions.models import Institution
    head_user = user_create(
        actor=None, email=f"bench.head.{{top['institution_id']}}@contoh.test",
        full_name="Pimpinan Bench", password="bench-password-123456",
    )
    membership_grant(
        actor=None, user=head_user, institution=Institution.objects.get(pk=top["institution_id"]),
        role=Role.HEAD,
    )
else:
    head_user = head.user
result = {{}}
with time_machine.travel("{BENCH_TODAY.isoformat()} 09:00 +07:00", tick=True):
    for label, person, cases in (
        ("officer", user, AgencyCase.objects.filter(unit_id=unit_id).count()),
        ("head", head_user, top["n"]),
    ):
        client = Client()
        client.force_login(person)
        timed(client, 10)  # warm-up
        samples = timed(client, {requests})
        ordered = sorted(samples)
        result[label] = {{
            "cases_in_scope": cases,
            "p50_ms": statistics.median(samples),
            "p95_ms": ordered[int(round(0.95 * (len(ordered) - 1)))],
            "max_ms": ordered[-1],
        }}
print(json.dumps(result))
"""
    var_dir = CACHE_DIR / "var"
    scratch = CACHE_DIR / f"inbox-run-{database.stem}.sqlite3"
    shutil.copyfile(
        database, scratch
    )  # the run adds bench users and sessions: keep the cache clean
    try:
        env = environment(scratch, var_dir)
        env["ALLOWED_HOSTS"] = "testserver"
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            sys.exit(f"inbox measurement failed:\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)


def measure_sweep(database: Path) -> dict[str, object]:
    import sqlite3

    scratch = CACHE_DIR / f"sweep-run-{database.stem}.sqlite3"
    shutil.copyfile(database, scratch)
    try:
        yesterday = BENCH_TODAY - datetime.timedelta(days=1)
        with sqlite3.connect(scratch) as connection:
            # The day after yesterday's sweep: earlier breaches escalated, earlier reminders sent.
            connection.execute(
                "UPDATE cases_agencycase SET escalated_for = due_on WHERE due_on < ?",
                (yesterday.isoformat(),),
            )
            connection.execute(
                "UPDATE cases_agencycase SET reminded_for = due_on WHERE due_on < ?",
                (BENCH_TODAY.isoformat(),),
            )
            open_cases = connection.execute("SELECT COUNT(*) FROM cases_agencycase").fetchone()[0]
        connection.close()
        env = environment(scratch, CACHE_DIR / "var")
        began = time.perf_counter()
        output = tuntas(env, "sla", "sweep", "--date", BENCH_TODAY.isoformat())
        seconds = time.perf_counter() - began
        return {"open_cases": open_cases, "seconds": seconds, "output": output.strip()}
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--no-sweep", action="store_true")
    args = parser.parse_args()

    figures: dict[str, object] = {"today": BENCH_TODAY.isoformat()}
    small = build(args.small)
    large = build(args.reports)
    for database in (small, large):  # a cached database gets the migrations added since
        tuntas(environment(database, CACHE_DIR / "var"), "migrate", "--no-input", "-v0")
    # DEBUG is off, as in production: the pages need the collected, hashed static files.
    tuntas(environment(small, CACHE_DIR / "var"), "collectstatic", "--no-input", "-v0")
    figures["inbox_small"] = measure_inbox(small, args.requests)
    figures["inbox_large"] = measure_inbox(large, args.requests)
    for actor in ("officer", "head"):
        figures[f"ratio_p95_{actor}"] = (
            figures["inbox_large"][actor]["p95_ms"] / figures["inbox_small"][actor]["p95_ms"]  # type: ignore[index]
        )
    if not args.no_sweep:
        figures["sweep"] = measure_sweep(large)
    print(json.dumps(figures, indent=2))
    print()
    print(
        f"| actor | cases in scope ({args.small:,} / {args.reports:,}) | p50 ms | p95 ms | p95 ratio |"
    )
    print("| --- | --- | --- | --- | --- |")
    for actor in ("officer", "head"):
        s, g = figures["inbox_small"][actor], figures["inbox_large"][actor]  # type: ignore[index]
        print(
            f"| {actor} | {s['cases_in_scope']:,} / {g['cases_in_scope']:,} | "
            f"{s['p50_ms']:.1f} / {g['p50_ms']:.1f} | {s['p95_ms']:.1f} / {g['p95_ms']:.1f} | "
            f"{figures[f'ratio_p95_{actor}']:.2f} |"
        )
    if "sweep" in figures:
        sweep = figures["sweep"]
        print(
            f"\nsweep over {sweep['open_cases']:,} open cases: {sweep['seconds']:.1f} s "  # type: ignore[index]
            f"({sweep['output']})"  # type: ignore[index]
        )


if __name__ == "__main__":
    main()
