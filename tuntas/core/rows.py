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


def select_list(model: type[Model], attnames: Sequence[str], table_alias: str) -> str:
    """``alias."col", ...`` for ``attnames``, quoted from the model's metadata."""
    quote = connection.ops.quote_name
    columns = {field.attname: field.column for field in model._meta.concrete_fields}
    return ", ".join(f"{table_alias}.{quote(columns[name])}" for name in attnames)


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
