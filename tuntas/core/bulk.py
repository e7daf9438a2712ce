"""One prepared INSERT for many rows: the fast write path of the import and the seeder.

Django's ``bulk_create`` builds a model instance per row and compiles a new statement for every
~30 rows on SQLite (its bound-parameter limit), which caps an import near 2,000 reports per
second. Here rows are plain dicts of attribute values; the columns come from the model (so a
field added later gets its default), each value is converted with the database backend's own
adapter for its field type, and the rows go in one ``executemany`` (SQLite) or one ``COPY``
(PostgreSQL). Names come from the model and values are bound: nothing here is user SQL.

Per set of keys the rows carry, a ``_Plan`` orders the statement's columns as: values taken as
they are (one C-level ``itemgetter`` per row), values converted (dates), then constants
(defaults converted once — including a JSON field's ``[]``/``{}``, whose stored text is the same
for every row) and defaults generated per row. SQLite datetimes use the same conversion as
Django's adapter (naive in the connection's zone, ``str``) without its per-call look-ups.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models


def _decimal(database: Any, digits: int, places: int, value: Any) -> Any:
    return None if value is None else database.ops.adapt_decimalfield_value(value, digits, places)


class _Constant:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _sqlite_datetime(database: Any) -> Callable[[Any], Any]:
    """Django's SQLite adapter for aware datetimes (make naive in the connection's zone, str)
    without its per-call settings and helper look-ups; the result is the same string."""
    zone = database.timezone

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if value.utcoffset() is not None:
            value = value.astimezone(zone).replace(tzinfo=None)
        return str(value)

    return convert


@dataclass(frozen=True)
class _Plan:
    """How rows with one set of keys become statement parameters, columns reordered so that
    the values taken as they are come out of one C-level ``itemgetter``."""

    sql: str
    copy_sql: str
    take: Callable[[dict[str, Any]], tuple[Any, ...]] | None
    converted: tuple[tuple[str, Callable[[Any], Any]], ...]
    constants: tuple[Any, ...]
    generated: tuple[tuple[Callable[[], Any], Callable[[Any], Any] | None], ...]


class PreparedInsert:
    def __init__(self, model: type[models.Model], *, now: datetime.datetime) -> None:
        database = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the per-call proxy
        self.database = database
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        sqlite_datetime = (
            _sqlite_datetime(database)
            if database.vendor == "sqlite" and settings.USE_TZ
            else database.ops.adapt_datetimefield_value
        )
        self.spec: list[tuple[str, Callable[[Any], Any] | None, Any]] = []
        self.columns: dict[str, str] = {}
        for field in fields:
            convert: Callable[[Any], Any] | None
            if isinstance(field, models.DateTimeField):
                convert = sqlite_datetime
            elif isinstance(field, models.DateField):
                convert = database.ops.adapt_datefield_value
            elif isinstance(field, models.DecimalField):
                convert = functools.partial(
                    _decimal, database, field.max_digits, field.decimal_places
                )
            elif isinstance(field, models.JSONField):
                convert = functools.partial(field.get_db_prep_save, connection=database)
            else:
                convert = None  # text, numbers, booleans and keys go in as they are
            default: Any
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                default = _Constant(now)
            elif isinstance(field, models.JSONField) and field.default in (list, dict):
                # A fresh [] or {} per row matters for Python objects, not for the stored text.
                default = _Constant(field.default())
            elif field.has_default() and callable(field.default):
                default = field.default  # e.g. uuid4: a fresh value per row
            else:
                default = _Constant(field.get_default())
            if isinstance(default, _Constant) and convert is not None:
                default = _Constant(convert(default.value))  # converted once, here
            self.spec.append((field.attname, convert, default))
            self.columns[field.attname] = field.column
        self.table = database.ops.quote_name(model._meta.db_table)
        self.plans: dict[frozenset[str], _Plan] = {}

    def _plan(self, keys: frozenset[str]) -> _Plan:
        plan = self.plans.get(keys)
        if plan is not None:
            return plan
        taken: list[str] = []
        converted: list[tuple[str, Callable[[Any], Any]]] = []
        constants: list[tuple[str, Any]] = []
        generated: list[tuple[str, Callable[[], Any], Callable[[Any], Any] | None]] = []
        for name, convert, default in self.spec:
            if name in keys:
                if convert is None:
                    taken.append(name)
                else:
                    converted.append((name, convert))
            elif isinstance(default, _Constant):
                constants.append((name, default.value))
            else:
                generated.append((name, default, convert))
        order = [*taken, *(n for n, _c in converted), *(n for n, _v in constants)]
        order += [name for name, _d, _c in generated]
        quote = self.database.ops.quote_name
        columns = ", ".join(quote(self.columns[name]) for name in order)
        placeholders = ", ".join(["%s"] * len(order))
        take: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None
        if len(taken) == 1:
            only = taken[0]
            take = lambda values: (values[only],)  # noqa: E731
        elif taken:
            take = operator.itemgetter(*taken)
        plan = _Plan(
            sql=f"INSERT INTO {self.table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            copy_sql=f"COPY {self.table} ({columns}) FROM STDIN",
            take=take,
            converted=tuple(converted),
            constants=tuple(value for _n, value in constants),
            generated=tuple((default, convert) for _n, default, convert in generated),
        )
        self.plans[keys] = plan
        return plan

    def _rows(self, plan: _Plan, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        take, converted, constants, generated = (
            plan.take,
            plan.converted,
            plan.constants,
            plan.generated,
        )
        prepared = []
        for values in rows:
            row = take(values) if take is not None else ()
            if converted:
                row += tuple([convert(values[name]) for name, convert in converted])
            row += constants
            if generated:
                row += tuple(
                    [
                        default() if convert is None else convert(default())
                        for default, convert in generated
                    ]
                )
            prepared.append(row)
        return prepared

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        groups: dict[frozenset[str], list[dict[str, Any]]] = {}
        keys = frozenset(rows[0])
        for values in rows:
            # Rows built by one writer share their keys; any other set gets its own statement.
            group = keys if values.keys() == keys else frozenset(values)
            groups.setdefault(group, []).append(values)
        for group, members in groups.items():
            unknown = group - self.columns.keys()
            if unknown:
                raise TypeError(f"no such fields: {sorted(unknown)}")
            plan = self._plan(group)
            prepared = self._rows(plan, members)
            with self.database.cursor() as cursor:
                if self.database.vendor == "postgresql":
                    # COPY: one stream instead of a round trip per row.
                    with cursor.cursor.copy(plan.copy_sql) as copy:
                        for row in prepared:
                            copy.write_row(row)
                else:
                    cursor.executemany(plan.sql, prepared)


@contextlib.contextmanager
def sqlite_page_cache(megabytes: int, *, checkpoint_pages: int = 10_000) -> Iterator[None]:
    """A larger page cache and rarer WAL checkpoints for this connection while a long write
    runs (SQLite only; the previous values come back afterwards).

    The default cache (2 MB) is far smaller than the indexes an import of 100,000 rows updates,
    so each batch re-reads the same index pages; the default checkpoint (every 1,000 WAL pages)
    copies and syncs the database file many times per batch. Durability is untouched:
    ``synchronous`` and the journal stay as configured and every batch still commits (and
    syncs its WAL frames) on its own.
    """
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "sqlite":
        yield
        return
    with database.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint_before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-int(megabytes) * 1024}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint_pages)}")
    try:
        yield
    finally:
        with database.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {cache_before}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {checkpoint_before}")


@contextlib.contextmanager
def postgresql_custom_plans() -> Iterator[None]:
    """Plan every query for its values while a long write makes its tables grow (PostgreSQL
    only; the connection's configured mode comes back afterwards).

    With ``DATABASE_PLAN_CACHE_MODE=auto`` PostgreSQL may keep the generic plan of a prepared
    look-up made while a table was nearly empty, a sequential scan, and go on using it once
    the table holds a million rows: the benchmark's seeding stalled so.
    """
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "postgresql":
        yield
        return
    with database.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_custom_plan")
    try:
        yield
    finally:
        try:
            with database.cursor() as cursor:
                cursor.execute("RESET plan_cache_mode")
        except DatabaseError:
            # The caller's transaction failed: its rollback undoes a SET made inside it, and a
            # broken connection is discarded. The caller's own error is the one to see.
            pass


def sqlite_last_rows(model: type[models.Model], count: int) -> list[int] | None:
    """The primary keys of the ``count`` rows just inserted in this transaction, in order.

    SQLite gives an AUTOINCREMENT table's rows consecutive keys while one transaction holds the
    write lock, so they are ``last_insert_rowid() - count + 1 …``; the caller checks the rows
    it finds there before trusting them. None on other databases.
    """
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "sqlite" or count <= 0:
        return None
    with database.cursor() as cursor:
        cursor.execute("SELECT last_insert_rowid()")
        last = int(cursor.fetchone()[0])
    return list(range(last - count + 1, last + 1))
