"""Rows of an export and the three streaming writers (CSV, XLSX, JSON).

Rows are read with ``values_list(...).iterator(chunk_size=...)``: the database hands them over
in chunks and nothing holds more than one chunk, so a million rows export in constant memory.
The reporter's identity is decided per report by ``complaints.selectors.report_identity_for``
(the first time a kind of report is met; the decision is remembered for reports of the same
identity mode, institution and unit, because it depends on nothing else).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuntas.complaints.identity import CONFIDENTIAL_LABEL, Identity, unseal
from tuntas.complaints.models import IdentityMode, Report, ReporterIdentity
from tuntas.complaints.selectors import report_identity_for

CHUNK_SIZE = 2000
PROGRESS_EVERY = 10_000

# (column name in the file, queryset path). Names are stable codes: scripts rely on them.
BASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "report__public_number"),
    ("submitted_at", "report__submitted_at"),
    ("opened_at", "opened_at"),
    ("channel", "report__channel"),
    ("category", "report__category__slug"),
    ("institution", "institution__name"),
    ("unit", "unit__name"),
    ("state", "state"),
    ("due_on", "due_on"),
    ("closed_at", "closed_at"),
    ("report_status", "report__status"),
    ("identity_mode", "report__identity_mode"),
    ("visibility", "report__visibility"),
    ("title", "report__title"),
)
PERSONAL_COLUMNS: tuple[str, ...] = (
    "reporter_name",
    "reporter_nik",
    "reporter_phone",
    "reporter_email",
    "reporter_address",
)
# Read alongside, never written as columns: what the identity decision needs.
_HIDDEN = ("report__institution_id", "report__unit_id", "report__identity__sealed")
# A cell starting with one of these is a formula to a spreadsheet (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Columns written as local date-times and as dates, whichever list they belong to.
_DATETIME_COLUMNS = frozenset({"submitted_at", "opened_at", "closed_at"})
_DATE_COLUMNS = frozenset({"due_on"})
Columns = tuple[tuple[str, str], ...]


def column_names(*, include_personal: bool, columns: Columns = BASE_COLUMNS) -> list[str]:
    names = [name for name, _path in columns]
    return names + list(PERSONAL_COLUMNS) if include_personal else names


@dataclass
class IdentityGate:
    """Decides, as report_identity_for does, what an exporter may read of each reporter."""

    actor: Any
    decisions: dict[tuple[str, int, int | None], str] = field(default_factory=dict)
    revealed_confidential: int = 0

    def columns(
        self, mode: str, institution_id: int, unit_id: int | None, sealed: str | None
    ) -> tuple[str, str, str, str, str]:
        if mode == IdentityMode.ANONYMOUS or sealed is None:
            return ("", "", "", "", "")
        key = (mode, institution_id, unit_id)
        decision = self.decisions.get(key)
        identity: Identity | None = None
        if decision is None:
            probe = Report(identity_mode=mode, institution_id=institution_id, unit_id=unit_id)
            probe.identity = ReporterIdentity(sealed=sealed)
            shown = report_identity_for(actor=self.actor, report=probe)
            if isinstance(shown, Identity):
                decision, identity = "show", shown
            else:
                decision = "withhold" if shown else "none"
            self.decisions[key] = decision
        if decision == "none":
            return ("", "", "", "", "")
        if decision == "withhold":
            return (str(CONFIDENTIAL_LABEL), "", "", "", "")
        if identity is None:
            identity = unseal(sealed)
        if mode == IdentityMode.CONFIDENTIAL:
            self.revealed_confidential += 1
        return (identity.name, identity.nik, identity.phone, identity.email, identity.address)


def export_rows(
    cases: QuerySet[Any],
    *,
    gate: IdentityGate | None,
    for_xlsx: bool = False,
    columns: Columns = BASE_COLUMNS,
) -> Iterator[list[Any]]:
    """One list per case, in the order of ``column_names``; dates as ISO text (XLSX: values).

    ``cases`` is a queryset of agency cases (``BASE_COLUMNS``) or of Ombudsman cases
    (``transfer.ombudsman_export.OMBUDSMAN_COLUMNS``): both reach the report as ``report__``.
    """
    names = [name for name, _path in columns]
    paths = [path for _name, path in columns]
    if gate is not None:
        paths += list(_HIDDEN)
    tz = timezone.get_current_timezone()
    base = len(columns)
    datetime_positions = [i for i, name in enumerate(names) if name in _DATETIME_COLUMNS]
    date_positions = [i for i, name in enumerate(names) if name in _DATE_COLUMNS]
    mode_position = names.index("identity_mode")
    for values in cases.values_list(*paths).iterator(chunk_size=CHUNK_SIZE):
        row = list(values[:base])
        for position in datetime_positions:
            moment = row[position]
            if moment is not None:
                local = moment.astimezone(tz)
                row[position] = (
                    local.replace(tzinfo=None, microsecond=0)
                    if for_xlsx
                    else local.isoformat(timespec="seconds")
                )
        for position in date_positions:
            day = row[position]
            if day is not None and not for_xlsx:
                row[position] = day.isoformat()
        if gate is not None:
            institution_id, unit_id, sealed = values[base:]
            row.extend(gate.columns(row[mode_position], institution_id, unit_id, sealed))
        yield row


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    return "" if value is None else value


# --- writers: each takes the header and the rows, and calls ``progress(n)`` now and then ----

Progress = Callable[[int], None]


def _tick(count: int, progress: Progress | None) -> None:
    if progress is not None and count % PROGRESS_EVERY == 0:
        progress(count)


def csv_chunks(
    header: list[str], rows: Iterator[list[Any]], progress: Progress | None = None
) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so that spreadsheet programs read it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_safe_cell(_plain(value)) for value in row])
        count += 1
        if count % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
        _tick(count, progress)
    yield buffer.getvalue().encode()
    if progress is not None:
        progress(count)


def json_chunks(
    header: list[str], rows: Iterator[list[Any]], progress: Progress | None = None
) -> Iterator[bytes]:
    """A JSON array of objects, written one object at a time."""
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
    parts: list[str] = ["["]
    count = 0
    for row in rows:
        parts.append(("\n" if count == 0 else ",\n") + encode(dict(zip(header, row, strict=True))))
        count += 1
        if count % 500 == 0:
            yield "".join(parts).encode()
            parts = []
        _tick(count, progress)
    parts.append("\n]\n")
    yield "".join(parts).encode()
    if progress is not None:
        progress(count)


def xlsx_write(
    target: IO[bytes] | Path,
    header: list[str],
    rows: Iterator[list[Any]],
    progress: Progress | None = None,
) -> int:
    """openpyxl's write-only workbook streams rows to a temporary file, not into memory."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Export")[:31])
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_safe_cell(value) for value in row])
        count += 1
        _tick(count, progress)
    workbook.save(target)
    if progress is not None:
        progress(count)
    return count
