"""The database session store, with its three statements written as SQL.

Every public page a citizen opens reads the session, and each step of the report form writes
it: through the ORM, building those statements cost several times running them. The rows and
the semantics are Django's own (``CreateError`` on a taken key, ``UpdateError`` when the row
is gone), and so is the table.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.crypto import get_random_string

from tuntas.core.rows import quoted_columns, quoted_table


@functools.cache
def _statements(model: type[Model], using: str) -> dict[str, str]:
    database = connections[using]
    table = quoted_table(model, database)
    columns = quoted_columns(model, database)
    key, data, expiry = (columns[name] for name in ("session_key", "session_data", "expire_date"))
    # Identifiers from the model's own metadata, quoted; every value travels as a parameter.
    return {
        "load": f"SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s",  # noqa: S608
        "insert": f"INSERT INTO {table} ({key}, {data}, {expiry}) VALUES (%s, %s, %s)",  # noqa: S608
        "update": f"UPDATE {table} SET {data} = %s, {expiry} = %s WHERE {key} = %s",  # noqa: S608
    }


class SessionStore(DatabaseSessionStore):
    def _get_new_session_key(self) -> str:
        # Django's store asks the table whether a fresh random key is taken before inserting
        # it. A key of 32 characters from 36 (165 bits) is never taken, and if it were, the
        # INSERT fails on the primary key and ``create()`` draws another.
        return get_random_string(32, VALID_KEY_CHARS)

    def _sql(self, using: str) -> dict[str, str]:
        return _statements(self.model, using)

    def load(self) -> dict[str, Any]:
        using = router.db_for_read(self.model)
        database = connections[using]
        now = database.ops.adapt_datetimefield_value(timezone.now())
        with database.cursor() as cursor:
            cursor.execute(self._sql(using)["load"], [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # expired or unknown: a new one is made on saving
            return {}
        return self.decode(row[0])

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        # Django's own accessor (SessionBase), which its stubs leave out: a new session is
        # written from what is in memory, without loading the row first.
        data = self.encode(self._get_session(no_load=must_create))  # type: ignore[attr-defined]
        using = router.db_for_write(self.model)
        database = connections[using]
        expiry = database.ops.adapt_datetimefield_value(self.get_expiry_date())
        statements = self._sql(using)
        if must_create:
            try:
                # A savepoint inside a caller's transaction: a taken key must not break it.
                with transaction.atomic(using=using), database.cursor() as cursor:
                    cursor.execute(statements["insert"], [self.session_key, data, expiry])
            except IntegrityError:
                raise CreateError from None
            return None
        with database.cursor() as cursor:
            cursor.execute(statements["update"], [data, expiry, self.session_key])
            updated = cursor.rowcount
        if updated != 1:
            raise UpdateError  # deleted meanwhile (a logout elsewhere): Django answers 400
        return None
