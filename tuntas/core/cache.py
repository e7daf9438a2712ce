"""The embedded cache backend: diskcache's Django cache, kept open between requests."""

from __future__ import annotations

from typing import Any

from diskcache import DjangoCache


class PersistentDiskCache(DjangoCache):
    """Django closes every cache after each request (``close_caches``); for diskcache that
    means a new SQLite connection, with its PRAGMA reads, on every request — more than the
    look-up itself costs. Its connections are per thread and re-opened after a fork, so they
    can stay open for the life of the worker, like a database connection."""

    def close(self, **kwargs: Any) -> None:
        return None
