"""Reading uploaded CSV and XLSX files: the kind, the encoding, the header, then the rows.

Nothing here loads a whole file: CSV is decoded as it is read, XLSX through openpyxl's
read-only mode. Problems are raised as ``FileProblem`` with a message for the user.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

SAMPLE_BYTES = 64 * 1024
_ZIP_MAGIC = b"PK\x03\x04"


class FileProblem(ValueError):
    """A file that cannot be read as a table; ``row`` is set when one row is the problem."""

    def __init__(self, message: str, *, row: int | None = None) -> None:
        self.row = row
        super().__init__(message)


@dataclass(frozen=True)
class TableInfo:
    kind: str  # "csv" or "xlsx"
    encoding: str  # CSV only
    delimiter: str  # CSV only
    headers: list[str]


def detect_kind(sample: bytes) -> str:
    if sample.startswith(_ZIP_MAGIC):
        return "xlsx"
    if not sample.strip():
        raise FileProblem(_("The file is empty."))
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(_("This is not a CSV or XLSX file. Save the table as CSV or XLSX."))
    return "csv"


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) first; otherwise the likeliest legacy code page."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=["cp1252", "latin_1", "iso8859_15"]).best()
    if best is None:
        raise FileProblem(
            _("The text encoding of this file is not recognised. Save it as “CSV UTF-8”.")
        )
    return str(best.encoding)


def _clean_headers(raw: list[Any]) -> list[str]:
    headers = [str(value).strip() if value is not None else "" for value in raw]
    while headers and not headers[-1]:
        headers.pop()
    if not headers or not any(headers):
        raise FileProblem(_("The first row must name the columns."), row=1)
    seen: set[str] = set()
    for index, header in enumerate(headers):
        if not header:
            raise FileProblem(
                _("Column %(number)d has no name in the first row.") % {"number": index + 1},
                row=1,
            )
        if header.casefold() in seen:
            raise FileProblem(
                _("The column name “%(name)s” appears twice in the first row.") % {"name": header},
                row=1,
            )
        seen.add(header.casefold())
    return headers


def inspect(path: Path) -> TableInfo:
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    kind = detect_kind(sample)
    if kind == "xlsx":
        sheet_rows = _xlsx_rows(path)
        try:
            first_cells = next(sheet_rows)
        except StopIteration:
            raise FileProblem(_("The file is empty.")) from None
        return TableInfo("xlsx", "", "", _clean_headers(list(first_cells)))
    encoding = detect_encoding(sample)
    text_sample = sample.decode(encoding, errors="ignore")
    try:
        delimiter = (
            csv.Sniffer().sniff(text_sample.split("\n", 20)[0], delimiters=",;\t|").delimiter
        )
    except csv.Error:
        delimiter = ","
    reader = _csv_rows(path, encoding, delimiter)
    try:
        first = next(reader)
    except StopIteration:
        raise FileProblem(_("The file is empty.")) from None
    return TableInfo("csv", encoding, delimiter, _clean_headers(first))


def _decoded_lines(raw: IO[bytes], encoding: str) -> Iterator[str]:
    """Line by line, so that a decoding error names the row it is in."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    for line in raw:
        yield decoder.decode(line)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    with open(path, "rb") as raw:
        lines: Iterator[str]
        if encoding.startswith("utf-16"):
            lines = io.TextIOWrapper(raw, encoding=encoding, newline="", errors="strict")
        else:
            lines = _decoded_lines(raw, encoding)
        reader = csv.reader(lines, delimiter=delimiter)
        line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise FileProblem(
                    _(
                        "Row %(row)d is not valid %(encoding)s text. "
                        "Save the file as “CSV UTF-8” and upload it again."
                    )
                    % {"encoding": encoding.upper().replace("-SIG", ""), "row": line},
                    row=line,
                ) from None
            except csv.Error as error:
                raise FileProblem(
                    _("Row %(row)d cannot be read as CSV (%(reason)s).")
                    % {"row": line, "reason": error},
                    row=line,
                ) from None
            line += 1
            yield row


def _xlsx_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]
    from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

    with open(path, "rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException):
            raise FileProblem(
                _("This file cannot be opened as an Excel workbook (XLSX). Save it as XLSX or CSV.")
            ) from None
        try:
            sheet = workbook.worksheets[0]
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()


def data_rows(path: Path, info: TableInfo) -> Iterator[tuple[int, list[Any]]]:
    """(row number in the file, the cells) for every row after the header; blank rows skipped."""
    rows: Iterator[Any] = (
        _xlsx_rows(path) if info.kind == "xlsx" else _csv_rows(path, info.encoding, info.delimiter)
    )
    next(rows, None)
    width = len(info.headers)
    for number, cells in enumerate(rows, start=2):
        values = list(cells[:width])
        if not any(value not in (None, "") and str(value).strip() for value in values):
            continue
        values += [None] * (width - len(values))
        yield number, values
