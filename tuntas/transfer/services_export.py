"""Exports of cases with their reports: small ones streamed, large ones as worker jobs.

Two kinds (``ExportKind``): the inbox's agency cases (``cases``) and the Ombudsman list's cases
(``ombudsman``, ``ombudsman_export.py``), which include reports that never had an agency case.

Every export is audited when it is asked for (who, which filters, which format, with or
without personal data) and, for jobs, again when it finishes (rows written, confidential
identities included).
"""

from __future__ import annotations

import datetime
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tuntas.audit.services import audit_record
from tuntas.cases.access import cases_visible_to
from tuntas.cases.filters import (
    CaseFilter,
    case_filter_from_query,
    cases_filter,
    cases_sorted,
    sort_from_query,
)
from tuntas.cases.models import AgencyCase
from tuntas.transfer.exporting import (
    BASE_COLUMNS,
    Columns,
    IdentityGate,
    column_names,
    csv_chunks,
    export_rows,
    json_chunks,
    xlsx_write,
)
from tuntas.transfer.models import ExportFormat, ExportJob, ExportKind
from tuntas.transfer.ombudsman_export import OMBUDSMAN_COLUMNS, ombudsman_export_cases
from tuntas.transfer.workflow import EXPORT_TRANSITIONS, JobState, check_transition

CONTENT_TYPES: dict[str, str] = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.JSON: "application/json",
}


@dataclass(frozen=True)
class ExportStream:
    file_name: str
    content_type: str
    chunks: Iterator[bytes]


def export_dir() -> Path:
    path = Path(settings.TRANSFER_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _query_dict(query: Any) -> dict[str, list[str]]:
    """The query parameters as plain lists (a QueryDict or a mapping of lists/strings)."""
    getlist = getattr(query, "getlist", None)
    result: dict[str, list[str]] = {}
    for key in query:
        values = getlist(key) if getlist else query[key]
        result[key] = [values] if isinstance(values, str) else [str(v) for v in values]
    return result


def export_cases(
    *, actor: Any, flt: CaseFilter, sort: str, today: datetime.date
) -> QuerySet[AgencyCase]:
    """The actor's cases narrowed by the inbox filter, in the inbox's order."""
    return cases_sorted(cases_filter(cases_visible_to(actor), flt, today=today), sort)


def export_cases_for_query(
    *, actor: Any, query: Any, today: datetime.date
) -> tuple[QuerySet[AgencyCase], dict[str, str]]:
    flt, errors = case_filter_from_query(query)
    sort, sort_error = sort_from_query(query)
    if sort_error:
        errors["sort"] = sort_error
    return export_cases(actor=actor, flt=flt, sort=sort, today=today), errors


def export_rows_for_query(
    *, actor: Any, kind: str, query: Any, today: datetime.date
) -> tuple[QuerySet[Any], Columns, dict[str, str]]:
    """The cases an export of ``kind`` holds, its columns, and the filter's errors."""
    if kind == ExportKind.OMBUDSMAN:
        cases, errors = ombudsman_export_cases(actor=actor, query=_query_dict(query), today=today)
        return cases, OMBUDSMAN_COLUMNS, errors
    if kind != ExportKind.CASES:
        raise ValueError(f"unknown export kind {kind!r}")
    agency_cases, errors = export_cases_for_query(actor=actor, query=query, today=today)
    return agency_cases, BASE_COLUMNS, errors


def _file_name(fmt: str, now: datetime.datetime, kind: str = ExportKind.CASES) -> str:
    prefix = "tuntas-ombudsman" if kind == ExportKind.OMBUDSMAN else "tuntas-export"
    return f"{prefix}-{timezone.localtime(now):%Y%m%d-%H%M%S}.{fmt}"


def _audit_request(
    *,
    actor: Any,
    query: dict[str, list[str]],
    fmt: str,
    personal: bool,
    rows: int,
    job: Any,
    kind: str = ExportKind.CASES,
) -> None:
    audit_record(
        actor=actor,
        action="export.requested",
        obj=job,
        data={
            "kind": kind,
            "format": fmt,
            "filters": query,
            "personal_data": personal,
            "rows": rows,
            "delivery": "job" if job is not None else "direct",
        },
    )


def export_stream(
    *,
    actor: Any,
    query: Any,
    fmt: str,
    include_personal: bool,
    today: datetime.date,
    kind: str = ExportKind.CASES,
) -> ExportStream:
    """A small export, streamed while it is read; audited before the first byte leaves."""
    if fmt not in ExportFormat.values:
        raise ValueError(f"unknown export format {fmt!r}")
    plain = _query_dict(query)
    cases, columns, _errors = export_rows_for_query(
        actor=actor, kind=kind, query=plain, today=today
    )
    with transaction.atomic():
        _audit_request(
            actor=actor,
            query=plain,
            fmt=fmt,
            personal=include_personal,
            rows=cases.count(),
            job=None,
            kind=kind,
        )
    header = column_names(include_personal=include_personal, columns=columns)
    gate = IdentityGate(actor) if include_personal else None
    chunks: Iterator[bytes]
    if fmt == ExportFormat.CSV:
        chunks = csv_chunks(header, export_rows(cases, gate=gate, columns=columns))
    elif fmt == ExportFormat.JSON:
        chunks = json_chunks(header, export_rows(cases, gate=gate, columns=columns))
    else:
        rows = export_rows(cases, gate=gate, for_xlsx=True, columns=columns)
        chunks = _xlsx_chunks(header, rows)
    return ExportStream(_file_name(fmt, timezone.now(), kind), CONTENT_TYPES[fmt], chunks)


def _xlsx_chunks(header: list[str], rows: Iterator[list[Any]]) -> Iterator[bytes]:
    # A ZIP file is written whole before it can be read: spool it, then stream it.
    with tempfile.TemporaryFile(dir=export_dir()) as spool:
        xlsx_write(spool, header, rows)
        spool.seek(0)
        while block := spool.read(64 * 1024):
            yield block


def export_job_create(
    *,
    actor: Any,
    query: Any,
    fmt: str,
    include_personal: bool,
    today: datetime.date,
    kind: str = ExportKind.CASES,
) -> ExportJob:
    """Queue a large export for the worker (it starts after this transaction commits)."""
    if fmt not in ExportFormat.values:
        raise ValueError(f"unknown export format {fmt!r}")
    if kind not in ExportKind.values:
        raise ValueError(f"unknown export kind {kind!r}")
    plain = _query_dict(query)
    now = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.create(
            owner=actor,
            format=fmt,
            kind=kind,
            query=plain,
            filter_today=today,
            include_personal=include_personal,
            created_at=now,
            expires_at=now + datetime.timedelta(hours=settings.EXPORT_RETENTION_HOURS),
        )
        _audit_request(
            actor=actor,
            query=plain,
            fmt=fmt,
            personal=include_personal,
            rows=0,
            job=job,
            kind=kind,
        )
        from tuntas.transfer.tasks import export_job_task

        transaction.on_commit(lambda: export_job_task(job.pk))
    return job


def _move(job: ExportJob, target: str, **fields: Any) -> None:
    check_transition(EXPORT_TRANSITIONS, job.state, target)
    fields["state"] = target
    ExportJob.objects.filter(pk=job.pk, state=job.state).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def export_job_run(*, job_id: int) -> ExportJob:
    """Write the export file (under a temporary name, renamed when complete)."""
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    if job.state != JobState.QUEUED:
        return job  # already taken by another worker run
    actor = job.owner
    cases, columns, _errors = export_rows_for_query(
        actor=actor, kind=job.kind, query=job.query, today=job.filter_today
    )
    _move(job, JobState.RUNNING, started_at=timezone.now(), total=cases.count())
    name = f"{uuid.uuid4().hex}.{job.format}"
    final = export_dir() / name
    partial = final.with_suffix(".part")
    gate = IdentityGate(actor) if job.include_personal else None
    header = column_names(include_personal=job.include_personal, columns=columns)

    def progress(count: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_written=count)

    try:
        written = 0
        if job.format == ExportFormat.XLSX:
            with open(partial, "wb") as handle:
                written = xlsx_write(
                    handle,
                    header,
                    export_rows(cases, gate=gate, for_xlsx=True, columns=columns),
                    progress,
                )
        else:
            writer = csv_chunks if job.format == ExportFormat.CSV else json_chunks
            counted: list[int] = [0]

            def counting(count: int) -> None:
                counted[0] = count
                progress(count)

            with open(partial, "wb") as handle:
                for chunk in writer(
                    header, export_rows(cases, gate=gate, columns=columns), counting
                ):
                    handle.write(chunk)
            written = counted[0]
        os.chmod(partial, 0o600)
        os.replace(partial, final)
    except Exception as error:
        partial.unlink(missing_ok=True)
        with transaction.atomic():
            _move(job, JobState.FAILED, finished_at=timezone.now(), error=str(error)[:500])
            audit_record(
                actor=None,
                action="export.finished",
                obj=job,
                data={"state": JobState.FAILED, "rows": 0},
            )
        raise
    with transaction.atomic():
        _move(
            job,
            JobState.DONE,
            finished_at=timezone.now(),
            rows_written=written,
            file_name=name,
        )
        audit_record(
            actor=None,
            action="export.finished",
            obj=job,
            data={
                "state": JobState.DONE,
                "rows": written,
                "personal_data": job.include_personal,
                "confidential_identities": gate.revealed_confidential if gate else 0,
            },
        )
    return job


def export_job_path(job: ExportJob) -> Path | None:
    """The finished file, or None when it is not ready, expired or gone."""
    if job.state != JobState.DONE or job.expires_at <= timezone.now():
        return None
    path = export_dir() / job.file_name
    return path if path.is_file() else None


def export_download_record(*, job: ExportJob, actor: Any) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="export.downloaded",
            obj=job,
            data={"personal_data": job.include_personal, "rows": job.rows_written},
        )


def export_files_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of expired exports (the job rows stay, as the audit names them)."""
    moment = now or timezone.now()
    removed = 0
    for name in ExportJob.objects.filter(expires_at__lte=moment, state=JobState.DONE).values_list(
        "file_name", flat=True
    ):
        path = export_dir() / name
        if path.is_file():
            path.unlink()
            removed += 1
    return removed
