"""The fields an import fills, how file columns are guessed for them, and how cells are read.

A row is turned into a ``ParsedRow`` or into a list of ``RowError``s (row number, column,
message in the user's language). The look-ups (categories, units, states) are prepared once per
import so that checking a row costs no query.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuntas.cases.workflow import CLOSED_STATES, AgencyState
from tuntas.complaints.identity import Identity
from tuntas.complaints.models import Category, IdentityMode, Report
from tuntas.complaints.nik import validate_nik
from tuntas.institutions.models import Institution, Unit


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str | Promise
    required: bool
    synonyms: tuple[str, ...]


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "external_id",
        gettext_lazy("Reference in the earlier system"),
        True,
        (
            "external id",
            "id",
            "nomor tiket",
            "no tiket",
            "tiket",
            "ticket",
            "tracking id",
            "nomor laporan",
            "no laporan",
            "no",
            "nomor",
            "kode laporan",
            "reference",
            "ref",
        ),
    ),
    ImportField(
        "title",
        gettext_lazy("Title"),
        True,
        ("title", "judul", "judul laporan", "subject", "perihal", "subjek"),
    ),
    ImportField(
        "description",
        gettext_lazy("What happened"),
        True,
        (
            "description",
            "isi laporan",
            "isi",
            "uraian",
            "deskripsi",
            "keterangan",
            "laporan",
            "details",
            "content",
        ),
    ),
    ImportField(
        "category",
        gettext_lazy("Category"),
        True,
        ("category", "kategori", "klasifikasi", "jenis", "topik", "topic"),
    ),
    ImportField(
        "submitted_at",
        gettext_lazy("Date received"),
        True,
        (
            "submitted at",
            "submitted",
            "date",
            "tanggal",
            "tanggal laporan",
            "tanggal masuk",
            "tanggal lapor",
            "waktu lapor",
            "created at",
            "created",
            "received",
            "tgl laporan",
        ),
    ),
    ImportField(
        "unit",
        gettext_lazy("Unit"),
        False,
        ("unit", "unit kerja", "opd", "dinas", "instansi terlapor", "terlapor", "department"),
    ),
    ImportField(
        "state",
        gettext_lazy("State"),
        False,
        ("state", "status", "tahap", "status laporan", "stage"),
    ),
    ImportField(
        "closed_at",
        gettext_lazy("Date closed"),
        False,
        (
            "closed at",
            "closed",
            "tanggal selesai",
            "tanggal ditutup",
            "tgl selesai",
            "resolved at",
            "date closed",
            "selesai",
        ),
    ),
    ImportField(
        "resolution_summary",
        gettext_lazy("Resolution or reason"),
        False,
        (
            "resolution",
            "resolution summary",
            "tindak lanjut",
            "hasil tindak lanjut",
            "jawaban",
            "tanggapan",
            "response",
            "hasil",
        ),
    ),
    ImportField(
        "occurred_on",
        gettext_lazy("When it happened"),
        False,
        ("occurred on", "occurred", "tanggal kejadian", "incident date", "waktu kejadian"),
    ),
    ImportField(
        "address",
        gettext_lazy("Address"),
        False,
        ("address", "alamat", "lokasi", "location", "alamat kejadian"),
    ),
    ImportField("kelurahan", gettext_lazy("Village"), False, ("kelurahan", "desa", "village")),
    ImportField("kecamatan", gettext_lazy("District"), False, ("kecamatan", "district")),
    ImportField(
        "identity_mode",
        gettext_lazy("Identity handling"),
        False,
        ("identity mode", "identity", "identitas", "kerahasiaan", "kerahasiaan identitas"),
    ),
    ImportField(
        "reporter_name",
        gettext_lazy("Reporter's name"),
        False,
        ("reporter name", "reporter", "name", "nama", "nama pelapor", "pelapor"),
    ),
    ImportField(
        "reporter_nik",
        gettext_lazy("Reporter's NIK"),
        False,
        ("nik", "nik pelapor", "no ktp", "nomor ktp", "national id"),
    ),
    ImportField(
        "reporter_phone",
        gettext_lazy("Reporter's telephone"),
        False,
        (
            "phone",
            "telephone",
            "telepon",
            "no hp",
            "hp",
            "telp",
            "no telp",
            "nomor hp",
            "whatsapp",
            "mobile",
        ),
    ),
    ImportField(
        "reporter_email",
        gettext_lazy("Reporter's e-mail"),
        False,
        ("email", "e mail", "surel", "email pelapor"),
    ),
)
FIELD_NAMES = tuple(item.name for item in FIELDS)
REQUIRED = tuple(item.name for item in FIELDS if item.required)
_BY_NAME = {item.name: item for item in FIELDS}

# Words the earlier systems use for states (SP4N-LAPOR!, office spreadsheets), to our states.
STATE_WORDS: dict[str, str] = {
    "baru": AgencyState.RECEIVED,
    "diterima": AgencyState.RECEIVED,
    "belum diproses": AgencyState.RECEIVED,
    "new": AgencyState.RECEIVED,
    "open": AgencyState.RECEIVED,
    "terverifikasi": AgencyState.VERIFIED,
    "diverifikasi": AgencyState.VERIFIED,
    "didisposisikan": AgencyState.DISPOSITIONED,
    "disposisi": AgencyState.DISPOSITIONED,
    "proses": AgencyState.IN_FOLLOW_UP,
    "diproses": AgencyState.IN_FOLLOW_UP,
    "dalam proses": AgencyState.IN_FOLLOW_UP,
    "tindak lanjut": AgencyState.IN_FOLLOW_UP,
    "ditindaklanjuti": AgencyState.IN_FOLLOW_UP,
    "in progress": AgencyState.IN_FOLLOW_UP,
    "selesai": AgencyState.CONFIRMED,
    "ditutup": AgencyState.CONFIRMED,
    "tuntas": AgencyState.CONFIRMED,
    "closed": AgencyState.CONFIRMED,
    "done": AgencyState.CONFIRMED,
    "ditolak": AgencyState.REJECTED,
    "tidak diproses": AgencyState.REJECTED,
    "rejected": AgencyState.REJECTED,
    "dicabut": AgencyState.WITHDRAWN,
    "withdrawn": AgencyState.WITHDRAWN,
}
MODE_WORDS: dict[str, str] = {
    "terbuka": IdentityMode.OPEN,
    "open": IdentityMode.OPEN,
    "rahasia": IdentityMode.CONFIDENTIAL,
    "confidential": IdentityMode.CONFIDENTIAL,
    "dirahasiakan": IdentityMode.CONFIDENTIAL,
    "anonim": IdentityMode.ANONYMOUS,
    "anonymous": IdentityMode.ANONYMOUS,
}
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "aug", "agt"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nopember", "nov"),
            ("desember", "december", "des", "dec"),
        ),
        start=1,
    )
    for name in names
}
_DMY = re.compile(
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$"
)
_TEXT_DATE = re.compile(r"^(\d{1,2})\s+([a-z]+)\s+(\d{4})(?:[ ,]+(\d{1,2})[:.](\d{2}))?$")
MAX_LENGTHS = {
    "external_id": 150,
    "title": 200,
    "unit": 200,
    "address": 300,
    "kelurahan": 100,
    "kecamatan": 100,
    "reporter_name": 200,
    "reporter_email": 254,
    "reporter_phone": 30,
}


@functools.lru_cache(maxsize=8192)  # the same categories and states repeat on every row
@functools.lru_cache(maxsize=4096)  # pure; a file repeats its categories, units and states
def normalise_header(raw: str) -> str:
    text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def header_key(headers: list[str]) -> str:
    return hashlib.sha256("\x1f".join(normalise_header(h) for h in headers).encode()).hexdigest()


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """field → header: exact synonyms first, then a synonym contained in the header."""
    normal = {header: normalise_header(header) for header in headers}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for exact in (True, False):
        for item in FIELDS:
            if item.name in mapping:
                continue
            for header in headers:
                if header in used:
                    continue
                text = normal[header]
                hit = (
                    text in item.synonyms
                    if exact
                    else any(
                        len(word) > 3 and re.search(rf"\b{re.escape(word)}\b", text)
                        for word in item.synonyms
                    )
                )
                if hit:
                    mapping[item.name] = header
                    used.add(header)
                    break
    return mapping


def mapping_problems(mapping: dict[str, str], headers: list[str]) -> dict[str, str]:
    """field → message, for required fields left out and columns used twice or unknown."""
    problems: dict[str, str] = {}
    for name in REQUIRED:
        if not mapping.get(name):
            problems[name] = _("Choose the column that holds “%(field)s”.") % {
                "field": _BY_NAME[name].label
            }
    seen: dict[str, str] = {}
    for name, header in mapping.items():
        if not header:
            continue
        if name not in _BY_NAME or header not in headers:
            problems[name] = _("Choose a column of the file.")
        elif header in seen:
            problems[name] = _("The column “%(column)s” is already used for “%(field)s”.") % {
                "column": header,
                "field": _BY_NAME[seen[header]].label,
            }
        else:
            seen[header] = name
    return problems


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    external_id: str
    report: dict[str, Any]
    state: str
    closed_at: datetime.datetime | None
    resolution: str
    identity: Identity | None


@dataclass
class Lookups:
    """Everything a row is checked against, read once per import."""

    institution: Institution
    categories: dict[str, int]
    units: dict[str, int]
    states: dict[str, str]
    today: datetime.date
    tz: Any = field(default_factory=timezone.get_current_timezone)

    @classmethod
    def load(cls, institution: Institution, *, today: datetime.date) -> Lookups:
        categories: dict[str, int] = {}
        for pk, slug, name_id, name_en in Category.objects.values_list(
            "pk", "slug", "name_id", "name_en"
        ):
            for key in (slug, name_id, name_en):
                categories.setdefault(normalise_header(key), pk)
        units = {
            normalise_header(name): pk
            for pk, name in Unit.objects.filter(institution=institution).values_list("pk", "name")
        }
        states = dict(STATE_WORDS)
        for value, label in AgencyState.choices:
            states[normalise_header(value)] = value
            states[normalise_header(str(label))] = value
        return cls(institution, categories, units, states, today)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_moment(value: Any, tz: Any) -> datetime.datetime | None:
    """A date or date and time, in the formats offices use; None when it is not one."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, tz)
    if isinstance(value, datetime.date):
        return timezone.make_aware(datetime.datetime.combine(value, datetime.time(12)), tz)
    text = _text(value).lower()
    if not text:
        return None
    return _moment_from_text(text, tz)


@functools.lru_cache(maxsize=8192)  # pure and immutable; the dates of a file repeat
def _moment_from_text(text: str, tz: Any) -> datetime.datetime | None:
    moment: datetime.datetime | None = None
    try:
        parsed = datetime.datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
        moment = parsed if len(text) > 10 else parsed.replace(hour=12)
    except ValueError:
        match = _DMY.match(text)
        try:
            if match:
                day, month, year, hour, minute, second = match.groups()
                moment = datetime.datetime(
                    int(year),
                    int(month),
                    int(day),
                    int(hour or 12),
                    int(minute or 0),
                    int(second or 0),
                    tzinfo=tz,
                )
            elif (words := _TEXT_DATE.match(text)) and words.group(2) in MONTHS:
                day, month_name, year, hour, minute = words.groups()
                moment = datetime.datetime(
                    int(year),
                    MONTHS[month_name],
                    int(day),
                    int(hour or 12),
                    int(minute or 0),
                    tzinfo=tz,
                )
        except ValueError:
            return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, tz)


_MOMENTS = frozenset({"submitted_at", "closed_at", "occurred_on"})
_DATE_HELP = gettext_lazy("Enter a date such as 2024-03-17, 17/03/2024 or 17 Maret 2024.")


def parse_row(
    number: int, cells: list[Any], columns: dict[str, int], headers: list[str], lookups: Lookups
) -> ParsedRow | list[RowError]:
    """One row, checked; ``columns`` maps each field to its position in the row."""
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    for name, position in columns.items():
        values[name] = cells[position]

    def fail(name: str, message: str) -> None:
        errors.append(RowError(number, headers[columns[name]] if name in columns else "", message))

    text = {name: _text(value) for name, value in values.items() if name not in _MOMENTS}
    for name in REQUIRED:
        if name in ("submitted_at",):
            continue
        if not text.get(name):
            fail(
                name,
                _("This cell is empty; “%(field)s” is required.") % {"field": _BY_NAME[name].label},
            )
    for name, limit in MAX_LENGTHS.items():
        if len(text.get(name, "")) > limit:
            fail(name, _("At most %(limit)d characters.") % {"limit": limit})

    category_id = (
        lookups.categories.get(normalise_header(text.get("category", "")))
        if text.get("category", "")
        else None
    )
    if text.get("category", "") and category_id is None:
        fail(
            "category",
            _("No category is called “%(value)s”.") % {"value": text.get("category", "")[:60]},
        )

    unit_id = None
    if text.get("unit"):
        unit_id = lookups.units.get(normalise_header(text["unit"]))
        if unit_id is None:
            fail(
                "unit",
                _("%(institution)s has no unit called “%(value)s”.")
                % {"institution": lookups.institution.name, "value": text["unit"][:60]},
            )

    submitted_at = parse_moment(values.get("submitted_at"), lookups.tz)
    if submitted_at is None:
        if _text(values.get("submitted_at")):
            fail("submitted_at", str(_DATE_HELP))
        else:
            fail(
                "submitted_at",
                _("This cell is empty; “%(field)s” is required.")
                % {"field": _BY_NAME["submitted_at"].label},
            )
    elif submitted_at.date() > lookups.today:
        fail("submitted_at", _("The date lies in the future."))

    occurred_on = None
    if "occurred_on" in columns and _text(values.get("occurred_on")):
        moment = parse_moment(values["occurred_on"], lookups.tz)
        if moment is None:
            fail("occurred_on", str(_DATE_HELP))
        else:
            occurred_on = moment.date()

    state = AgencyState.RECEIVED.value
    if text.get("state"):
        found = lookups.states.get(normalise_header(text["state"]))
        if found is None:
            fail(
                "state",
                _("“%(value)s” is not a state Tuntas knows.") % {"value": text["state"][:60]},
            )
        else:
            state = found

    closed_at = None
    closed_cell = _text(values.get("closed_at")) if "closed_at" in columns else ""
    if closed_cell:
        closed_at = parse_moment(values["closed_at"], lookups.tz)
        if closed_at is None:
            fail("closed_at", str(_DATE_HELP))
        elif submitted_at is not None and closed_at < submitted_at:
            fail("closed_at", _("A report cannot be closed before it was received."))
        elif closed_at.date() > lookups.today:
            fail("closed_at", _("The date lies in the future."))
    elif state in CLOSED_STATES:
        fail(
            "closed_at" if "closed_at" in columns else "state",
            _("A closed report needs the date it was closed."),
        )

    mode = ""
    if text.get("identity_mode"):
        mode = MODE_WORDS.get(normalise_header(text["identity_mode"]), "")
        if not mode:
            fail("identity_mode", _("Use terbuka, rahasia or anonim."))
    identity = None
    name = text.get("reporter_name", "")
    nik = re.sub(r"\s", "", text.get("reporter_nik", ""))
    if nik:
        try:
            nik = validate_nik(nik, today=lookups.today)
        except ValidationError as problem:
            fail("reporter_nik", " ".join(problem.messages))
    if name or text.get("reporter_email") or text.get("reporter_phone") or nik:
        if not name:
            fail("reporter_name", _("A reporter's details need the reporter's name."))
        if mode == IdentityMode.ANONYMOUS:
            fail("identity_mode", _("An anonymous report cannot carry the reporter's details."))
        identity = Identity(
            name=name,
            nik=nik,
            phone=text.get("reporter_phone", ""),
            email=text.get("reporter_email", ""),
            address="",
        )
        mode = mode or IdentityMode.CONFIDENTIAL  # the safe default for historical records
    else:
        mode = IdentityMode.ANONYMOUS if mode in ("", IdentityMode.ANONYMOUS) else mode
        if mode != IdentityMode.ANONYMOUS:
            identity = None  # no details to keep: the report is stored as anonymous
            mode = IdentityMode.ANONYMOUS

    if errors:
        return errors
    assert submitted_at is not None and category_id is not None  # noqa: S101  (checked above)
    report = {
        "title": text.get("title", "")[:200],
        "description": text.get("description", ""),
        "category_id": category_id,
        "unit_id": unit_id,
        "occurred_on": occurred_on,
        "address": text.get("address", "")[:300],
        "kelurahan": text.get("kelurahan", "")[:100],
        "kecamatan": text.get("kecamatan", "")[:100],
        "identity_mode": mode,
        "submitted_at": submitted_at,
    }
    return ParsedRow(
        row=number,
        external_id=text.get("external_id", ""),
        report=report,
        state=state,
        closed_at=closed_at if state in CLOSED_STATES or state in (AgencyState.RESOLVED,) else None,
        resolution=text.get("resolution_summary", ""),
        identity=identity,
    )


def report_field_names() -> set[str]:
    return {f.attname for f in Report._meta.concrete_fields}
