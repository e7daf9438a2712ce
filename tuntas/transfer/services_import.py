"""Imports of historical complaints: upload, map columns, dry run, then write in batches.

**The bulk path.** Imported reports do not go through ``report_submit``: that service sends
receipts, writes two audit events per report and starts today's deadline clock, none of which
fits a record that was received years ago and may be closed already. This service writes
``Report``, ``ReporterIdentity`` and ``AgencyCase`` rows directly (``bulk.PreparedInsert``), keeping
the original dates and state, and records **one audit event per batch** (``import.batch_written``)
naming the job, the file rows and the external ids it wrote. Each batch is one transaction: a
batch with any bad row writes nothing (its errors are listed), the other batches still land.

**Idempotent.** Every imported report has ``channel="import"`` and ``channel_reference =
"<institution id>:<external id>"``, which the report table keeps unique; rows whose reference
exists already are skipped (counted, not updated), so the same file can be imported twice.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tuntas.audit.services import audit_record
from tuntas.cases import clock
from tuntas.cases.models import AgencyCase, Complexity
from tuntas.cases.workflow import AgencyState
from tuntas.complaints import codes
from tuntas.complaints.identity import digests, seal
from tuntas.complaints.models import (
    Channel,
    Report,
    ReporterIdentity,
    ReportStatus,
    Visibility,
)
from tuntas.core.bulk import (
    PreparedInsert,
    postgresql_custom_plans,
    sqlite_last_rows,
    sqlite_page_cache,
)
from tuntas.institutions.models import Institution
from tuntas.sla.calendar import Paused
from tuntas.sla.services import calendar_for, deadline_policy_for, due_date
from tuntas.transfer.fields import (
    FIELD_NAMES,
    Lookups,
    ParsedRow,
    RowError,
    guess_mapping,
    header_key,
    mapping_problems,
    parse_row,
)
from tuntas.transfer.models import ImportJob
from tuntas.transfer.reading import FileProblem, TableInfo, data_rows, inspect
from tuntas.transfer.selectors import can_import_into
from tuntas.transfer.workflow import IMPORT_TRANSITIONS, ImportState, check_transition

# SQLite page cache while an import runs (MB): room for the indexes a 100,000-row file updates.
IMPORT_PAGE_CACHE_MB = 64
MAX_KEPT_ERRORS = 500  # the first errors are kept for the page; the count covers all
_LOOKUP_CHUNK = 900
_TO_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", codes.ALPHABET)


def import_dir() -> Path:
    path = Path(settings.TRANSFER_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _move(job: ImportJob, target: str, **fields: Any) -> None:
    check_transition(IMPORT_TRANSITIONS, job.state, target)
    fields["state"] = target
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=list(fields))


def import_job_upload(*, actor: Any, institution: Institution, upload: UploadedFile) -> ImportJob:
    """Keep the file, read its header and propose a mapping (remembered or guessed)."""
    if not can_import_into(actor, institution):
        raise ValidationError({"institution": _("You cannot import into this institution.")})
    if upload.size is not None and upload.size > settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024:
        raise ValidationError(
            {
                "file": _("The file is larger than %(mb)d MB.")
                % {"mb": settings.IMPORT_MAX_UPLOAD_MB}
            }
        )
    name = uuid.uuid4().hex
    path = import_dir() / name
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        info = inspect(path)
    except FileProblem as problem:
        path.unlink(missing_ok=True)
        raise ValidationError({"file": str(problem)}) from None
    key = header_key(info.headers)
    remembered = (
        ImportJob.objects.filter(institution=institution, header_key=key)
        .exclude(state=ImportState.UPLOADED)
        .order_by("-created_at", "-pk")
        .values_list("mapping", flat=True)
        .first()
    )
    proposal = remembered if remembered else guess_mapping(info.headers)
    proposal = {field: header for field, header in proposal.items() if header in info.headers}
    with transaction.atomic():
        job = ImportJob.objects.create(
            owner=actor,
            institution=institution,
            original_name=(upload.name or "")[:255],
            file_name=name,
            kind=info.kind,
            encoding=f"{info.encoding}|{info.delimiter}" if info.kind == "csv" else "",
            headers=info.headers,
            header_key=key,
            mapping=proposal,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="import.uploaded",
            obj=job,
            institution_id=institution.pk,
            data={"file": job.original_name, "kind": info.kind, "columns": len(info.headers)},
        )
    return job


def import_job_map(*, job: ImportJob, mapping: dict[str, str], actor: Any) -> ImportJob:
    cleaned = {
        field: header for field, header in mapping.items() if header and field in FIELD_NAMES
    }
    problems = mapping_problems(cleaned, job.headers)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        _move(job, ImportState.MAPPED, mapping=cleaned)
        audit_record(
            actor=actor,
            action="import.mapped",
            obj=job,
            institution_id=job.institution_id,
            data={"mapping": cleaned},
        )
    return job


def import_job_start(*, job: ImportJob, actor: Any, dry_run: bool) -> ImportJob:
    """Queue the dry run, or (after a dry run) the import; the worker starts after commit."""
    target = ImportState.CHECKING if dry_run else ImportState.IMPORTING
    with transaction.atomic():
        _move(
            job,
            target,
            rows_processed=0,
            rows_written=0,
            rows_skipped=0,
            rows_failed=0,
            error_count=0,
            errors=[],
            failure="",
        )
        from tuntas.transfer.tasks import import_job_task

        job_id = job.pk
        transaction.on_commit(lambda: import_job_task(job_id, dry_run))
    return job


def _info(job: ImportJob) -> TableInfo:
    encoding, _sep, delimiter = job.encoding.partition("|")
    return TableInfo(job.kind, encoding, delimiter, list(job.headers))


def _batches(
    job: ImportJob, rows: Iterator[tuple[int, list[Any]]]
) -> Iterator[list[tuple[int, list[Any]]]]:
    batch: list[tuple[int, list[Any]]] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= job.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _reference(institution_id: int, external_id: str) -> str:
    return f"{institution_id}:{external_id}"


def _existing(references: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(references), _LOOKUP_CHUNK):
        found |= set(
            Report.objects.filter(
                channel=Channel.IMPORT,
                channel_reference__in=references[start : start + _LOOKUP_CHUNK],
            )
            # The partial unique index serves the look-up only when its condition is spelled out.
            .exclude(channel_reference="")
            .order_by()
            .values_list("channel_reference", flat=True)
        )
    return found


class _Writer:
    """Turns checked rows into report, identity and case rows; the deadline look-ups are cached."""

    def __init__(self, job: ImportJob, actor: Any) -> None:
        self.job = job
        self.institution = job.institution
        self.entered_by_id = actor.pk if getattr(actor, "kind", "") == "staff" else None
        self.calendar = calendar_for(region_code=self.institution.region_code)
        self.policies: dict[str, Any] = {}
        now = timezone.now()
        self.reports = PreparedInsert(Report, now=now)
        self.cases = PreparedInsert(AgencyCase, now=now)
        self.tz = timezone.get_current_timezone()
        with translation.override(settings.LANGUAGE_CODE):
            self.closed_note = _("Closed before the report was imported; see the earlier record.")

    def _policy(self, stage: str) -> Any:
        if stage not in self.policies:
            self.policies[stage] = deadline_policy_for(stage=stage, institution=self.institution)
        return self.policies[stage]

    def write(self, rows: list[ParsedRow]) -> list[int]:
        """Insert the reports, their identities and their cases; the new report ids.

        Rows go in by date received, so the date-ordered indexes (inbox, Open311, exchange)
        take them in order instead of at random places.
        """
        rows = sorted(rows, key=lambda parsed: parsed.report["submitted_at"])
        count = len(rows)
        numbers = _random_codes(count, 8)
        secrets_ = _random_codes(count, 16)
        tz = self.tz
        reports: list[dict[str, Any]] = []
        for parsed, number, secret in zip(rows, numbers, secrets_, strict=True):
            values = dict(parsed.report)
            values.update(
                public_number=f"LM-{values['submitted_at'].astimezone(tz):%y}{number}",
                # Nobody holds this code: an imported report is not tracked by its reporter.
                access_code_hash=hashlib.sha256(secret.encode()).hexdigest(),
                channel=Channel.IMPORT,
                channel_reference=_reference(self.institution.pk, parsed.external_id),
                status=ReportStatus.WITHDRAWN
                if parsed.state == AgencyState.WITHDRAWN
                else ReportStatus.RECEIVED,
                institution_id=self.institution.pk,
                visibility=Visibility.PRIVATE,
                entered_by_id=self.entered_by_id,
            )
            reports.append(values)
        self.reports.insert(reports)
        references = [values["channel_reference"] for values in reports]
        ids: dict[str, int] = {}
        keys = sqlite_last_rows(Report, count)
        if keys:  # one range read instead of look-ups by reference; trusted only if it matches
            found = dict(
                Report.objects.filter(pk__gte=keys[0], pk__lte=keys[-1])
                .order_by()
                .values_list("pk", "channel_reference")
            )
            if len(found) == count and all(
                found.get(pk) == reference for pk, reference in zip(keys, references, strict=True)
            ):
                ids = dict(zip(references, keys, strict=True))
        if not ids:  # elsewhere (PostgreSQL), or the range did not hold exactly these rows
            for start in range(0, len(references), _LOOKUP_CHUNK):
                ids.update(
                    Report.objects.filter(
                        channel=Channel.IMPORT,
                        channel_reference__in=references[start : start + _LOOKUP_CHUNK],
                    )
                    .exclude(channel_reference="")
                    .order_by()
                    .values_list("channel_reference", "pk")
                )
        report_ids = [ids[reference] for reference in references]
        identities = [
            ReporterIdentity(
                report_id=report_id, sealed=seal(parsed.identity), **digests(parsed.identity)
            )
            for report_id, parsed in zip(report_ids, rows, strict=True)
            if parsed.identity is not None
        ]
        if identities:
            ReporterIdentity.objects.bulk_create(identities, batch_size=500)
        self.cases.insert(
            [
                self.case_values(report_id, parsed)
                for report_id, parsed in zip(report_ids, rows, strict=True)
            ]
        )
        return report_ids

    def case_values(self, report_id: int, parsed: ParsedRow) -> dict[str, Any]:
        state = parsed.state
        submitted_at = parsed.report["submitted_at"]
        started = submitted_at.astimezone(self.tz).date()
        stage = clock.stage_for(state, Complexity.SIMPLE)
        due = None
        if stage is not None:
            computed = due_date(policy=self._policy(stage), start=started, calendar=self.calendar)
            due = None if isinstance(computed, Paused) else computed
        summary = ""
        reason = ""
        if state in (AgencyState.RESOLVED, AgencyState.CONFIRMED):
            summary = parsed.resolution or self.closed_note
        if state == AgencyState.REJECTED:
            reason = parsed.resolution or self.closed_note
        return {
            "report_id": report_id,
            "institution_id": self.institution.pk,
            "unit_id": parsed.report["unit_id"],
            "state": state,
            "complexity": Complexity.SIMPLE,
            "stage": stage or "",
            "stage_started_on": started,
            "due_on": due,
            "calendar_version": self.calendar.version if stage else "",
            "resolution_summary": summary,
            "rejection_reason": reason,
            "opened_at": submitted_at,
            "closed_at": parsed.closed_at,
        }


def _random_codes(count: int, characters: int) -> list[str]:
    size = characters * 5 // 8
    encoded = base64.b32encode(secrets.token_bytes(size * count)).decode().translate(_TO_CROCKFORD)
    return [encoded[i : i + characters] for i in range(0, len(encoded), characters)]


def _keep(job: ImportJob, errors: list[RowError]) -> None:
    job.error_count += len(errors)
    room = MAX_KEPT_ERRORS - len(job.errors)
    if room > 0:
        job.errors = [*job.errors, *(error.as_dict() for error in errors[:room])]


_PROGRESS_FIELDS = [
    "rows_total",
    "rows_processed",
    "rows_written",
    "rows_skipped",
    "rows_failed",
    "error_count",
    "errors",
]


def import_job_run(*, job_id: int, dry_run: bool) -> ImportJob:
    """Check (dry run) or import every row; progress is saved after each batch."""
    job = ImportJob.objects.select_related("institution", "owner").get(pk=job_id)
    expected = ImportState.CHECKING if dry_run else ImportState.IMPORTING
    if job.state != expected:
        return job
    actor = job.owner
    job.rows_total = job.rows_processed = job.rows_written = 0
    job.rows_skipped = job.rows_failed = job.error_count = 0
    job.errors = []
    job.save(update_fields=_PROGRESS_FIELDS)
    today = timezone.localdate()
    lookups = Lookups.load(job.institution, today=today)
    headers = list(job.headers)
    columns = {field: headers.index(header) for field, header in job.mapping.items()}
    writer = None if dry_run else _Writer(job, actor)
    seen: dict[str, int] = {}
    path = import_dir() / job.file_name
    with sqlite_page_cache(IMPORT_PAGE_CACHE_MB), postgresql_custom_plans():
        try:
            for batch in _batches(job, data_rows(path, _info(job))):
                parsed: list[ParsedRow] = []
                errors: list[RowError] = []
                for number, cells in batch:
                    result = parse_row(number, cells, columns, headers, lookups)
                    if isinstance(result, list):
                        errors.extend(result)
                        continue
                    first = seen.setdefault(result.external_id, number)
                    if first != number:
                        errors.append(
                            RowError(
                                number,
                                headers[columns["external_id"]],
                                _("The reference “%(id)s” was already used in row %(row)d.")
                                % {"id": result.external_id[:60], "row": first},
                            )
                        )
                        continue
                    parsed.append(result)
                references = [_reference(job.institution_id, row.external_id) for row in parsed]
                existing = _existing(references)
                fresh = [
                    row for row, ref in zip(parsed, references, strict=True) if ref not in existing
                ]
                job.rows_total += len(batch)
                job.rows_processed += len(batch)
                job.rows_skipped += len(parsed) - len(fresh)
                if errors:
                    _keep(job, errors)
                    job.rows_failed += len(batch) - (len(parsed) - len(fresh))
                    job.save(update_fields=_PROGRESS_FIELDS)
                    continue
                if writer is None:
                    job.rows_written += len(fresh)  # would be written
                    job.save(update_fields=_PROGRESS_FIELDS)
                    continue
                _write_batch(job, writer, fresh, batch, actor)
        except FileProblem as problem:
            _keep(job, [RowError(problem.row or 0, "", str(problem))])
            if dry_run:
                job.save(update_fields=_PROGRESS_FIELDS)
            else:
                with transaction.atomic():
                    _move(
                        job,
                        ImportState.FAILED,
                        failure=str(problem)[:500],
                        finished_at=timezone.now(),
                    )
                    job.save(update_fields=_PROGRESS_FIELDS)
                    audit_record(
                        actor=actor,
                        action="import.finished",
                        obj=job,
                        institution_id=job.institution_id,
                        data={"state": ImportState.FAILED, "written": job.rows_written},
                    )
                return job
    with transaction.atomic():
        job.save(update_fields=_PROGRESS_FIELDS)
        if dry_run:
            _move(job, ImportState.CHECKED)
            action = "import.checked"
        else:
            _move(job, ImportState.DONE, finished_at=timezone.now())
            action = "import.finished"
        audit_record(
            actor=actor,
            action=action,
            obj=job,
            institution_id=job.institution_id,
            data={
                "rows": job.rows_total,
                "written": job.rows_written,
                "skipped": job.rows_skipped,
                "failed": job.rows_failed,
                "errors": job.error_count,
            },
        )
    return job


def _write_batch(
    job: ImportJob,
    writer: _Writer,
    fresh: list[ParsedRow],
    batch: list[tuple[int, list[Any]]],
    actor: Any,
) -> None:
    for _attempt in range(3):
        written_before = job.rows_written
        try:
            with transaction.atomic():
                ids = writer.write(fresh) if fresh else []
                job.rows_written += len(ids)
                job.save(update_fields=_PROGRESS_FIELDS)
                audit_record(
                    actor=actor,
                    action="import.batch_written",
                    obj=job,
                    institution_id=job.institution_id,
                    data={
                        "file_rows": [batch[0][0], batch[-1][0]],
                        "written": len(ids),
                        "external_ids": [row.external_id for row in fresh],
                        "report_ids": [min(ids), max(ids)] if ids else [],
                    },
                )
            return
        except IntegrityError:
            # A report-number clash (1 in 2^40) or the same rows landing from a concurrent
            # import of the same file: look again at what exists, then retry the batch.
            job.rows_written = written_before
            refs = [_reference(job.institution_id, row.external_id) for row in fresh]
            existing = _existing(refs)
            job.rows_skipped += sum(1 for ref in refs if ref in existing)
            fresh = [row for row, ref in zip(fresh, refs, strict=True) if ref not in existing]
    raise RuntimeError("could not write an import batch after three attempts")
