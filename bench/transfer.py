"""Export and import benchmarks (run by `make bench-exchange`; figures in docs/benchmarks.md).

1. **Export of 1 M rows.** A cached SQLite database under var/bench/transfer-sqlite/ holds
   ``tuntas demo load`` plus ``tuntas seed --reports 1000000``; ``tuntas seed`` writes reports
   only, so the set-up adds one agency case per report with one INSERT … SELECT (states spread
   over received / in follow-up / confirmed / rejected). The cache is reused while its stamp
   file says it is complete. Each format (CSV, XLSX, JSON) is exported by the worker's own
   code path (``export_job_create`` + ``export_job_run``, as the demo's platform administrator
   who sees every case, with personal data) in a **fresh subprocess**, which reports its wall
   time and its peak resident memory (``getrusage(RUSAGE_SELF).ru_maxrss``).
2. **Import rows/s.** A fresh SQLite database (migrate + demo load) and a generated CSV file of
   ``--import-rows`` historical complaints (an SP4N-LAPOR!-like layout with Indonesian headers,
   10 % with a reporter identity, 40 % closed). Timed: the dry run and the import through
   ``import_job_run`` (reading, checking, look-ups, Report + ReporterIdentity + AgencyCase rows,
   one audit event per batch). Baseline in the same run and process: a bare ``bulk_create`` of
   the same reports and cases from already-parsed values, in the same batch size.

Usage: python bench/transfer.py [--reports 1000000] [--import-rows 100000] [--skip-export]
Prints JSON and a Markdown table; writes nothing into the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
BIN = Path(sys.executable).parent
CACHE_DIR = REPO_DIR / "var" / "bench" / "transfer-sqlite"
STAMP = "seeded-{count}.stamp"


def _environment(var_dir: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tuntas.settings.base",
        TUNTAS_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'tuntas.sqlite3'}",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(48),
        LOG_LEVEL="WARNING",
        EMAIL_URL="consolemail://",
        PYTHONUNBUFFERED="1",
    )
    return env


def _run(args: list[str], env: dict[str, str], log: Path) -> str:
    with log.open("a") as out:
        out.write(f"$ {' '.join(args)}\n")
    result = subprocess.run(
        args, cwd=REPO_DIR, env=env, capture_output=True, text=True, check=False
    )
    with log.open("a") as out:
        out.write(result.stderr[-20000:])
    if result.returncode != 0:
        raise SystemExit(f"`{' '.join(args)}` failed:\n{result.stderr[-4000:]}")
    return result.stdout


def _worker(args: list[str], env: dict[str, str], log: Path) -> dict[str, Any]:
    out = _run([sys.executable, str(Path(__file__).resolve()), "--worker", *args], env, log)
    return json.loads(out.strip().splitlines()[-1])


# --- set-up -----------------------------------------------------------------------------------

CASES_SQL = """
INSERT INTO cases_agencycase (
    report_id, institution_id, unit_id, assigned_to_id, state, complexity, version, stage,
    stage_started_on, due_on, paused_on, remaining_when_paused, pauses, calendar_version,
    reminded_for, escalated_for, draft_response, resolution_summary, rejection_reason,
    opened_at, closed_at)
SELECT r.id, r.institution_id, r.unit_id, NULL,
    CASE r.id % 10 WHEN 0 THEN 'rejected' WHEN 1 THEN 'in_follow_up' WHEN 2 THEN 'in_follow_up'
        WHEN 3 THEN 'received' ELSE 'confirmed' END,
    'simple', 1,
    CASE WHEN r.id % 10 IN (1, 2) THEN 'agency.resolution.simple'
        WHEN r.id % 10 = 3 THEN 'agency.verification' ELSE '' END,
    date(r.submitted_at),
    CASE WHEN r.id % 10 IN (1, 2, 3) THEN date(r.submitted_at, '+14 days') ELSE NULL END,
    NULL, NULL, '[]', '', NULL, NULL, '',
    CASE WHEN r.id % 10 >= 4 THEN 'Selesai ditindaklanjuti.' ELSE '' END,
    CASE WHEN r.id % 10 = 0 THEN 'Bukan kewenangan instansi.' ELSE '' END,
    r.submitted_at,
    CASE WHEN r.id % 10 = 0 OR r.id % 10 >= 4
        THEN datetime(r.submitted_at, '+' || (r.id % 23) || ' days') ELSE NULL END
FROM complaints_report r
WHERE NOT EXISTS (SELECT 1 FROM cases_agencycase c WHERE c.report_id = r.id)
"""


def prepare_export_database(count: int) -> Path:
    stamp = CACHE_DIR / STAMP.format(count=count)
    if stamp.exists():
        print(f"reusing {CACHE_DIR} ({count:,} reports)", flush=True)
        return CACHE_DIR
    if CACHE_DIR.exists():
        shutil.rmtree(CACHE_DIR)
    CACHE_DIR.mkdir(parents=True)
    env = _environment(CACHE_DIR)
    log = CACHE_DIR / "setup.log"
    tuntas = str(BIN / "tuntas")
    started = time.perf_counter()
    _run([tuntas, "migrate", "--no-input", "-v0"], env, log)
    _run([tuntas, "demo", "load", "--quiet-logins"], env, log)
    _run([tuntas, "seed", "--reports", str(count), "--allow-without-debug"], env, log)
    _worker(["cases"], env, log)
    stamp.write_text(f"{time.perf_counter() - started:.0f} s\n")
    print(f"seeded {count:,} reports and cases in {time.perf_counter() - started:.0f} s")
    return CACHE_DIR


# --- workers (run inside Django) ---------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(REPO_DIR))
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker_cases() -> dict[str, Any]:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CASES_SQL)
        return {"cases": cursor.rowcount}


def _everything_user() -> Any:
    """The demo's platform administrator: sees every case and every identity."""
    from tuntas.accounts.models import User

    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise SystemExit("the demo region has no platform administrator")
    return user


def worker_export(fmt: str) -> dict[str, Any]:
    from django.utils import timezone

    from tuntas.transfer.services_export import export_dir, export_job_create, export_job_run

    actor = _everything_user()
    baseline_mb = _peak_mb()
    started = time.perf_counter()
    job = export_job_create(
        actor=actor, query={}, fmt=fmt, include_personal=True, today=timezone.localdate()
    )
    job = export_job_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    path = export_dir() / job.file_name
    size = path.stat().st_size
    path.unlink()
    return {
        "format": fmt,
        "rows": job.rows_written,
        "seconds": round(seconds, 1),
        "rows_per_second": round(job.rows_written / seconds),
        "peak_rss_mb": round(_peak_mb(), 1),
        "rss_before_export_mb": round(baseline_mb, 1),
        "file_mb": round(size / 1024 / 1024, 1),
    }


HEADER = [
    "No Tiket",
    "Judul",
    "Isi Laporan",
    "Kategori",
    "Tanggal Laporan",
    "Status",
    "Tanggal Selesai",
    "Tindak Lanjut",
    "Nama Pelapor",
    "Email",
    "Alamat",
    "Kelurahan",
]


def write_import_file(path: Path, rows: int, categories: list[str]) -> None:
    rng = random.Random(6)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(rows):
            day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.choice((2022, 2023))}"
            closed = rng.random() < 0.4
            named = rng.random() < 0.1
            writer.writerow(
                [
                    f"SP4N-{number:07d}",
                    f"Keluhan pelayanan nomor {number}",
                    "Pelayanan di loket lambat dan petugas meminta biaya tambahan. " * 3,
                    rng.choice(categories),
                    day,
                    "Selesai" if closed else rng.choice(("Diproses", "Baru")),
                    f"{day[:6]}2024" if closed else "",
                    "Sudah ditindaklanjuti oleh unit." if closed else "",
                    f"Pelapor Sintetis {number}" if named else "",
                    f"pelapor{number}@contoh.test" if named else "",
                    "Jl. Contoh No. 1",
                    "Kemirirejo",
                ]
            )


def worker_import(rows: int, batch: int, work: str) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone

    from tuntas.cases.models import AgencyCase
    from tuntas.complaints.models import Category, Report
    from tuntas.institutions.models import Institution
    from tuntas.transfer.fields import Lookups, parse_row
    from tuntas.transfer.services_import import (
        _Writer,
        import_job_map,
        import_job_run,
        import_job_upload,
    )

    categories = list(Category.objects.values_list("slug", flat=True))
    source = Path(work) / "import.csv"
    write_import_file(source, rows, categories)
    actor = _everything_user()
    institutions = list(Institution.objects.filter(kind__startswith="pemerintah")[:2])
    target, baseline_target = institutions[0], institutions[1]
    upload = SimpleUploadedFile("sp4n-lapor.csv", source.read_bytes(), content_type="text/csv")
    job = import_job_upload(actor=actor, institution=target, upload=upload)
    job.batch_size = batch
    job.save(update_fields=["batch_size"])
    job = import_job_map(job=job, mapping=job.mapping, actor=actor)
    job.state = "checking"
    job.save(update_fields=["state"])
    started = time.perf_counter()
    job = import_job_run(job_id=job.pk, dry_run=True)
    dry_seconds = time.perf_counter() - started
    job.state = "importing"
    job.save(update_fields=["state"])
    started = time.perf_counter()
    job = import_job_run(job_id=job.pk, dry_run=False)
    import_seconds = time.perf_counter() - started
    if job.rows_written != rows:
        raise SystemExit(f"imported {job.rows_written} of {rows} rows: {job.errors[:3]}")

    # Baseline: the same reports and cases, parsed beforehand, written by bare bulk_create.
    from tuntas.transfer.reading import data_rows, inspect

    info = inspect(source)
    lookups = Lookups.load(baseline_target, today=timezone.localdate())
    columns = {field: info.headers.index(header) for field, header in job.mapping.items()}
    parsed = [
        parse_row(n, cells, columns, info.headers, lookups) for n, cells in data_rows(source, info)
    ]
    baseline_job = job
    baseline_job.institution = baseline_target
    writer = _Writer(baseline_job, actor)
    reports = []
    for index, row in enumerate(parsed):
        reports.append(
            Report(
                public_number=f"LM-99B{index:07d}",
                access_code_hash="0" * 64,
                channel="import",
                channel_reference=f"baseline:{index}",
                institution_id=baseline_target.pk,
                **row.report,  # type: ignore[union-attr]
            )
        )
    started = time.perf_counter()
    for start in range(0, len(reports), batch):
        chunk = reports[start : start + batch]
        rows_of_chunk = parsed[start : start + batch]
        with transaction.atomic():
            Report.objects.bulk_create(chunk, batch_size=500)
            cases = [
                AgencyCase(**writer.case_values(report.pk, row))  # type: ignore[arg-type]
                for report, row in zip(chunk, rows_of_chunk, strict=True)
            ]
            AgencyCase.objects.bulk_create(cases, batch_size=500)
    baseline_seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "batch": batch,
        "dry_run_seconds": round(dry_seconds, 1),
        "dry_run_rows_per_second": round(rows / dry_seconds),
        "import_seconds": round(import_seconds, 1),
        "import_rows_per_second": round(rows / import_seconds),
        "baseline_bulk_create_seconds": round(baseline_seconds, 1),
        "baseline_rows_per_second": round(rows / baseline_seconds),
        "peak_rss_mb": round(_peak_mb(), 1),
    }


# --- orchestration ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--formats", default="csv,xlsx,json")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        _django()
        kind, *rest = options.worker
        if kind == "cases":
            result = worker_cases()
        elif kind == "export":
            result = worker_export(rest[0])
        else:
            result = worker_import(int(rest[0]), int(rest[1]), rest[2])
        print(json.dumps(result))
        return

    summary: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "database": "sqlite",
        "load_average_at_start": [round(value, 1) for value in os.getloadavg()],
    }
    if not options.skip_export:
        var_dir = prepare_export_database(options.reports)
        env = _environment(var_dir)
        log = var_dir / "bench.log"
        summary["export"] = []
        for fmt in options.formats.split(","):
            result = _worker(["export", fmt], env, log)
            print(f"export {fmt}: {result}", flush=True)
            summary["export"].append(result)
    if not options.skip_import:
        work = Path(tempfile.mkdtemp(prefix="tuntas-bench-import-"))
        try:
            env = _environment(work)
            log = work / "bench.log"
            tuntas = str(BIN / "tuntas")
            _run([tuntas, "migrate", "--no-input", "-v0"], env, log)
            _run([tuntas, "demo", "load", "--quiet-logins"], env, log)
            result = _worker(
                ["import", str(options.import_rows), str(options.batch), str(work)], env, log
            )
            print(f"import: {result}", flush=True)
            summary["import"] = result
        finally:
            shutil.rmtree(work, ignore_errors=True)
    summary["load_average_at_end"] = [round(value, 1) for value in os.getloadavg()]
    print(json.dumps(summary, indent=2))
    print()
    print("| measurement | rows | time (s) | rows/s | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|")
    for item in summary.get("export", []):
        print(
            f"| export {item['format'].upper()} | {item['rows']:,} | {item['seconds']} | "
            f"{item['rows_per_second']:,} | {item['peak_rss_mb']} |"
        )
    if "import" in summary:
        item = summary["import"]
        rows = f"{item['rows']:,}"
        print(
            f"| import dry run | {rows} | {item['dry_run_seconds']} "
            f"| {item['dry_run_rows_per_second']:,} | |"
        )
        print(
            f"| import | {rows} | {item['import_seconds']} "
            f"| {item['import_rows_per_second']:,} | {item['peak_rss_mb']} |"
        )
        print(
            f"| baseline: bare bulk_create | {rows} | {item['baseline_bulk_create_seconds']} "
            f"| {item['baseline_rows_per_second']:,} | |"
        )


if __name__ == "__main__":
    main()
