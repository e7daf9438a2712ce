"""Model instances from rows of hand-written SQL, converted exactly as the ORM converts its own.

A few of the busiest reads are written as SQL because building them through the ORM costs
several times running them (an API key's look-up with its institution: 440 µs through the
queryset, 75 µs as SQL on SQLite). Their rows still pass through the same converters the ORM
applies — the backend's (SQLite's text datetimes made aware, its integers made booleans) and
the field's own (``from_db_value``: JSON, encrypted fields) — so an instance read here equals
one read through a queryset.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


def concrete_attnames(model: type[Model]) -> tuple[str, ...]:
    """Every column of ``model`` by attribute name, in the model's own order."""
    return tuple(field.attname for field in model._meta.concrete_fields)


def quoted_table(model: type[Model], database: BaseDatabaseWrapper | None = None) -> str:
    return (database or connection).ops.quote_name(model._meta.db_table)


def quoted_columns(
    model: type[Model], database: BaseDatabaseWrapper | None = None
) -> dict[str, str]:
    """{attribute name: quoted column} for every column of ``model``, from its metadata: the
    only identifiers the hand-written statements contain (values travel as parameters)."""
    quote = (database or connection).ops.quote_name
    return {field.attname: quote(field.column) for field in model._meta.concrete_fields}


def select_list(model: type[Model], attnames: Sequence[str], table_alias: str = "") -> str:
    """``alias."col", ...`` (or ``"col", ...`` without an alias) for ``attnames``."""
    columns = quoted_columns(model)
    prefix = f"{table_alias}." if table_alias else ""
    return ", ".join(f"{prefix}{columns[name]}" for name in attnames)


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The first row of a hand-written statement on the default connection, or None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@functools.cache
def _model_order(
    model: type[Model], attnames: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """``attnames`` in the model's field order (``Model.from_db`` reads values in that order
    when some columns are left out) and where each one is in ``attnames``."""
    position = {name: index for index, name in enumerate(attnames)}
    ordered = tuple(
        field.attname for field in model._meta.concrete_fields if field.attname in position
    )
    if len(ordered) != len(attnames):
        unknown = sorted(set(attnames) - set(ordered))
        raise ValueError(f"{model.__name__} has no columns {unknown}")
    return ordered, tuple(position[name] for name in ordered)


@functools.lru_cache(maxsize=64)
def _converters(
    model: type[Model], attnames: tuple[str, ...], database: BaseDatabaseWrapper
) -> tuple[tuple[int, tuple[Converter, ...], Any], ...]:
    by_attname: dict[str, Field[Any, Any]] = {
        field.attname: field for field in model._meta.concrete_fields
    }
    found = []
    for index, name in enumerate(attnames):
        column = by_attname[name].get_col(model._meta.db_table)
        converters = (
            *database.ops.get_db_converters(column),
            *column.get_db_converters(database),
        )
        if converters:
            found.append((index, converters, column))
    return tuple(found)


def instance_from_row(model: type[M], attnames: Sequence[str], row: Sequence[Any]) -> M:
    """An instance of ``model`` from ``row``, whose values are the columns ``attnames`` (in
    any order; the others are left deferred)."""
    names, order = _model_order(model, tuple(attnames))
    values = [row[index] for index in order]
    # The thread's own connection, not the proxy: converters are bound to one connection.
    database = connections[DEFAULT_DB_ALIAS]
    for index, converters, column in _converters(model, names, database):
        for convert in converters:
            values[index] = convert(values[index], column, database)
    return model.from_db(database.alias, list(names), values)
