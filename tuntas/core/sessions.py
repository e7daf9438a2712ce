"""The database session store, without the look-up before each new session's INSERT."""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    """Django's store asks the table whether a fresh random key is taken before inserting it.
    A key of 32 characters from 36 (165 bits) is never taken, and if it were, the INSERT
    (``save(must_create=True)``) fails on the primary key and ``create()`` draws another:
    the look-up only cost every first visit one query."""

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)
