"""Crash-injection harness: submit reports, die on purpose, then check that nothing was lost.

Run with the app's environment (TUNTAS_VAR_DIR, DATABASE_URL) from the repository root:

    python bench/crash_harness.py prepare
    python bench/crash_harness.py submit --tag a1 --ok 1 --fault report.before_commit \
        [--check-first acked.jsonl]
    python bench/crash_harness.py inspect --acked acked.jsonl

``submit`` makes ``--ok`` reports and prints ``ACK {json}`` after each one that
``report_submit`` returned (the acknowledgement a client would have received), then names the
fault point in TUNTAS_FAULT_POINT and submits once more: the process SIGKILLs itself there.
``inspect`` prints ``CHECK {json}``: the problems found (none, we hope) and what it saw.
tests/complaints/test_crash_safety.py and bench/crash_loop.py drive this.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

FAULT_POINTS = (
    "report.after_insert",
    "attachment.mid_write",
    "report.after_files",
    "notification.after_insert",
    "report.before_commit",
    "report.after_commit",
)
# Killed at these, the report must be absent; at report.after_commit it must be complete.
COMMITTED_POINTS = frozenset({"report.after_commit"})
TITLE_PREFIX = "Uji ketahanan "


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuntas.settings.base")
    import django

    django.setup()


def prepare() -> None:
    from django.db import transaction

    from tuntas.institutions.models import Institution
    from tuntas.institutions.services import institution_create, unit_create

    if Institution.objects.filter(slug="kota-uji-crash").exists():
        return
    with transaction.atomic():
        city = institution_create(
            actor=None,
            name="Pemerintah Kota Uji Crash",
            slug="kota-uji-crash",
            kind="pemerintah_kota",
            region_code="33.99",
        )
        unit_create(actor=None, institution=city, name="Dinas Kesehatan", kind="dinas")


def _photo() -> bytes:
    from PIL import Image

    colour = tuple(secrets.randbelow(256) for _ in range(3))
    output = io.BytesIO()
    Image.new("RGB", (48, 32), colour).save(output, "JPEG")
    return output.getvalue()


def submit_one(tag: str) -> dict[str, Any]:
    """One report with an identity (so a receipt is queued) and two files; its acknowledgement."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuntas.complaints.identity import Identity
    from tuntas.complaints.models import Category
    from tuntas.complaints.services_intake import ReportDraft, report_submit
    from tuntas.institutions.models import Institution

    city = Institution.objects.get(slug="kota-uji-crash")
    files = {
        "foto.jpg": _photo(),
        "catatan.txt": f"Catatan {tag} {secrets.token_hex(8)}\n".encode(),
    }
    draft = ReportDraft(
        institution=city,
        unit=city.units.first(),
        category=Category.objects.get(slug="kesehatan"),
        title=f"{TITLE_PREFIX}{tag}",
        description="Pasien menunggu lebih dari enam jam di ruang tunggu tanpa kepastian.",
        identity_mode="terbuka",
        identity=Identity(name="Warga Uji", email=f"warga.{tag}@contoh.test"),
        consent=True,
        uploads=[SimpleUploadedFile(name, content) for name, content in files.items()],
    )
    submitted = report_submit(draft=draft, channel="web")
    return {
        "tag": tag,
        "number": submitted.report.public_number,
        "sha256": sorted(hashlib.sha256(content).hexdigest() for content in files.values()),
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inspect(
    acked: list[dict[str, Any]], *, files_from_id: int = 0, expect_absent: list[str] = ()
) -> dict[str, Any]:
    """Every acknowledged report complete, no partial report anywhere, database and chain sound.

    ``files_from_id`` skips re-hashing attachments already checked by an earlier inspection.
    """
    from django.db import connection
    from django.db.models import Count

    from tuntas.audit.models import AuditEvent
    from tuntas.audit.verify import audit_chain_verify
    from tuntas.complaints.attachments import storage_dir
    from tuntas.complaints.models import Attachment, Report, ReporterIdentity
    from tuntas.notifications.models import Notification

    problems: list[str] = []
    reports = {
        row["title"]: row
        for row in Report.objects.filter(title__startswith=TITLE_PREFIX).values(
            "pk", "title", "public_number"
        )
    }
    titles = list(
        Report.objects.filter(title__startswith=TITLE_PREFIX).values_list("title", flat=True)
    )
    if len(titles) != len(set(titles)):
        problems.append("a submission is stored more than once")
    submitted_events = dict(
        AuditEvent.objects.filter(action="report.submitted", object_type="complaints.report")
        .values("object_id")
        .annotate(n=Count("id"))
        .values_list("object_id", "n")
    )
    identities = set(ReporterIdentity.objects.values_list("report_id", flat=True))
    notified = set(Notification.objects.values_list("report_id", flat=True))
    attachments: dict[int, list[Any]] = {}
    for attachment in Attachment.objects.order_by("pk"):
        attachments.setdefault(attachment.report_id, []).append(attachment)
    folder = storage_dir()

    # No partial report: every stored report has all of its parts.
    for row in reports.values():
        label = f"report {row['public_number']} ({row['title']})"
        if submitted_events.get(str(row["pk"])) != 1:
            problems.append(f"{label}: not exactly one report.submitted event")
        if row["pk"] not in identities:
            problems.append(f"{label}: no identity")
        if row["pk"] not in notified:
            problems.append(f"{label}: no receipt notification")
        if len(attachments.get(row["pk"], [])) != 2:
            problems.append(f"{label}: {len(attachments.get(row['pk'], []))} attachments of 2")
    # No attachment row without its files.
    for rows in attachments.values():
        for attachment in rows:
            if attachment.pk < files_from_id:
                continue
            original, safe = folder / attachment.stored_name, folder / attachment.safe_name
            if not original.is_file() or not safe.is_file():
                problems.append(f"attachment {attachment.pk}: a file is missing")
            elif _sha256(original) != attachment.sha256:
                problems.append(f"attachment {attachment.pk}: the original does not match sha256")
    # Every acknowledged report is there, with the very files the client sent.
    for ack in acked:
        row = reports.get(f"{TITLE_PREFIX}{ack['tag']}")
        if row is None or row["public_number"] != ack["number"]:
            problems.append(f"acknowledged report {ack['number']} ({ack['tag']}) is LOST")
            continue
        stored = sorted(attachment.sha256 for attachment in attachments.get(row["pk"], []))
        if stored != ack["sha256"]:
            problems.append(f"acknowledged report {ack['number']}: files differ from those sent")
    for tag in expect_absent:
        if f"{TITLE_PREFIX}{tag}" in reports:
            problems.append(f"the submission killed before its commit ({tag}) is stored")
    # Orphans of the other tables (PostgreSQL enforces the foreign keys; SQLite is asked).
    known = {row["pk"] for row in Report.objects.values("pk")}
    if orphans := (identities | set(attachments)) - known:
        problems.append(f"rows point at missing reports: {sorted(orphans)[:5]}")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = [row[0] for row in cursor.fetchall()]
            cursor.execute("PRAGMA foreign_key_check")
            foreign = cursor.fetchall()
        if integrity != ["ok"]:
            problems.append(f"PRAGMA integrity_check: {integrity[:5]}")
        if foreign:
            problems.append(f"PRAGMA foreign_key_check: {foreign[:5]}")
    chain = audit_chain_verify()
    if not chain.ok:
        problems.append(f"audit chain: {chain.problem}")
    referenced = {a.stored_name for rows in attachments.values() for a in rows} | {
        a.safe_name for rows in attachments.values() for a in rows
    }
    on_disk = {path.name for path in folder.iterdir()} if folder.exists() else set()
    return {
        "problems": problems,
        "reports": len(reports),
        "acked": len(acked),
        "present": sorted(title.removeprefix(TITLE_PREFIX) for title in reports),
        "orphan_files": len(on_disk - referenced),
        "audit_events": chain.checked,
        "max_attachment_id": max((a.pk for rows in attachments.values() for a in rows), default=0),
    }


def _read_acked(path: Path | None) -> list[dict[str, Any]]:
    if path is None or not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare")
    submit = commands.add_parser("submit")
    submit.add_argument("--tag", required=True)
    submit.add_argument("--ok", type=int, default=1)
    submit.add_argument("--fault", choices=FAULT_POINTS)
    submit.add_argument("--check-first", type=Path)
    submit.add_argument("--expect-absent", action="append", default=[])
    check = commands.add_parser("inspect")
    check.add_argument("--acked", type=Path)
    check.add_argument("--expect-absent", action="append", default=[])
    options = parser.parse_args(argv)

    setup_django()
    if options.command == "prepare":
        prepare()
        return 0
    if options.command == "inspect" or options.check_first is not None:
        acked = _read_acked(options.acked if options.command == "inspect" else options.check_first)
        result = inspect(acked, expect_absent=options.expect_absent)
        print("CHECK " + json.dumps(result), flush=True)
        if options.command == "inspect":
            return 1 if result["problems"] else 0
    for number in range(options.ok):
        ack = submit_one(f"{options.tag}-{number}")
        print("ACK " + json.dumps(ack), flush=True)
    if options.fault:
        os.environ["TUNTAS_FAULT_POINT"] = options.fault
        submit_one(f"{options.tag}-killed")
        print(f"SURVIVED {options.fault}", flush=True)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
