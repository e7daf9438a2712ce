"""Writes to the holiday table and deadline policies, and the shared deadline computation."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from tuntas.audit.services import assign_editable, audit_record, changed_fields, field_values
from tuntas.core.rows import fetch_one, instance_from_row, quoted_columns, quoted_table, select_list
from tuntas.institutions.models import Institution
from tuntas.sla.calendar import Paused, WorkingCalendar
from tuntas.sla.models import DeadlinePolicy, DeadlineUnit, HolidayDate, HolidayKind, HolidaySource

HOLIDAY_EDITABLE_FIELDS = ("date", "name", "kind", "reference", "is_active", "estimated")


@dataclass(frozen=True)
class ImportResult:
    year: int
    added: int
    already_present: int


@transaction.atomic
def holidays_import(*, year: int, actor: Any = None) -> ImportResult:
    """Copy one year's national holidays and cuti bersama from the `holidays` package.

    Existing rows are never overwritten: an administrator's correction wins over the library.
    """
    import holidays as holidays_library

    if not 1990 <= year <= 2100:
        raise ValidationError({"year": _("Choose a year between 1990 and 2100.")})
    calendar = holidays_library.country_holidays(
        "ID", years=year, categories=("public", "government"), language="id"
    )
    added = present = 0
    for day, names in sorted(calendar.items()):
        if HolidayDate.objects.filter(date=day, region_code="").exists():
            present += 1
            continue
        name = str(names)
        joint = "cuti bersama" in name.lower()
        HolidayDate.objects.create(
            date=day,
            region_code="",
            name=name[:200],
            kind=HolidayKind.JOINT_LEAVE if joint else HolidayKind.NATIONAL,
            source=HolidaySource.LIBRARY,
            reference=f"holidays {holidays_library.__version__}",
            estimated="perkiraan" in name.lower(),
        )
        added += 1
    audit_record(
        actor=actor,
        action="holiday.imported",
        data={"year": year, "added": added, "present": present},
    )
    return ImportResult(year=year, added=added, already_present=present)


@transaction.atomic
def holiday_add(
    *,
    actor: Any,
    date: datetime.date,
    name: str,
    kind: str,
    region_code: str = "",
    reference: str = "",
) -> HolidayDate:
    holiday = HolidayDate(
        date=date,
        name=name,
        kind=kind,
        region_code=region_code,
        reference=reference,
        source=HolidaySource.DECREE if reference else HolidaySource.ADMIN,
        confirmed=True,
    )
    holiday.full_clean()
    holiday.save()
    audit_record(
        actor=actor, action="holiday.added", obj=holiday, changes={"date": [None, date.isoformat()]}
    )
    return holiday


@transaction.atomic
def holiday_update(*, holiday: HolidayDate, actor: Any, **fields: Any) -> HolidayDate:
    before = assign_editable(holiday, fields, editable=HOLIDAY_EDITABLE_FIELDS)
    holiday.confirmed = True
    holiday.full_clean()
    changes = changed_fields(before, field_values(holiday, fields))
    holiday.save()
    audit_record(actor=actor, action="holiday.changed", obj=holiday, changes=changes)
    return holiday


@transaction.atomic
def holidays_confirm(*, year: int, actor: Any) -> int:
    rows = list(HolidayDate.objects.filter(date__year=year, confirmed=False).select_for_update())
    for row in rows:
        row.confirmed = True
        row.save(update_fields=["confirmed"])
    audit_record(actor=actor, action="holiday.confirmed", data={"year": year, "count": len(rows)})
    return len(rows)


def _region_prefixes(region_code: str) -> list[str]:
    parts = region_code.split(".") if region_code else []
    return [""] + [".".join(parts[: index + 1]) for index in range(len(parts))]


@functools.lru_cache(maxsize=64)
def _calendar(holidays: frozenset[datetime.date]) -> WorkingCalendar:
    # Building a calendar indexes 40 000 days; the same holiday set always gives the same one.
    return WorkingCalendar(holidays=holidays)


# The two reads below run for every new case and every stage change. They are written as SQL
# from the models' own (quoted) metadata, with values as parameters: building them through the
# ORM cost about ten times running them (0.55 and 0.66 ms against 0.05 each). They read the
# tables every time, so an edited holiday or policy counts from the next case on.


@functools.cache
def _holiday_dates_sql(vendor: str, regions: int) -> str:
    column = quoted_columns(HolidayDate)
    placeholders = ", ".join(["%s"] * regions)
    return (
        f"SELECT {column['date']} FROM {quoted_table(HolidayDate)} "  # noqa: S608
        f"WHERE {column['is_active']} AND {column['region_code']} IN ({placeholders})"
    )


def _as_date(value: Any) -> datetime.date:
    # PostgreSQL hands back dates, SQLite the ISO text Django stored.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def calendar_for(*, region_code: str = "") -> WorkingCalendar:
    """National holidays plus those of the region and its parents ("33", "33.71")."""
    regions = _region_prefixes(region_code)
    with connection.cursor() as cursor:
        cursor.execute(_holiday_dates_sql(connection.vendor, len(regions)), regions)
        days = frozenset(_as_date(value) for (value,) in cursor.fetchall())
    return _calendar(days)


_POLICY_COLUMNS = ["id", "stage", "institution_id", "amount", "unit", "source"]


@functools.cache
def _policy_sql(vendor: str) -> str:
    column = quoted_columns(DeadlinePolicy)
    institution = column["institution_id"]
    return (
        f"SELECT {select_list(DeadlinePolicy, _POLICY_COLUMNS)} "  # noqa: S608
        f"FROM {quoted_table(DeadlinePolicy)} "
        f"WHERE {column['stage']} = %s AND ({institution} IS NULL OR {institution} = %s) "
        # The institution's own row before the default (false sorts first on both engines).
        f"ORDER BY {institution} IS NULL, {column['id']} LIMIT 1"
    )


def deadline_policy_for(*, stage: str, institution: Institution | None) -> DeadlinePolicy:
    """The institution's own policy for the stage, else the national default: one query."""
    row = fetch_one(
        _policy_sql(connection.vendor), [stage, institution.pk if institution is not None else None]
    )
    if row is None:
        raise LookupError(f"no deadline policy for stage {stage!r}")
    return instance_from_row(DeadlinePolicy, _POLICY_COLUMNS, row)


def due_date(
    *,
    policy: DeadlinePolicy,
    start: datetime.date,
    calendar: WorkingCalendar,
    pauses: tuple[tuple[datetime.date, datetime.date | None], ...] = (),
) -> datetime.date | Paused:
    """The due day of a stage that started on ``start`` (local date), per its policy."""
    if policy.unit == DeadlineUnit.WORKING_DAYS:
        return calendar.deadline(start, policy.amount, pauses)
    if policy.unit == DeadlineUnit.CALENDAR_DAYS:
        extra = 0
        for paused_on, resumed_on in pauses:
            if resumed_on is None:
                elapsed = (paused_on - start).days
                return Paused(max(policy.amount - elapsed, 0))
            extra += (resumed_on - paused_on).days
        return start + datetime.timedelta(days=policy.amount + extra)
    raise ValueError("hour-based policies are computed on datetimes by their track")
