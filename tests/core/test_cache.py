"""The embedded cache backend keeps its SQLite connection between requests."""

from __future__ import annotations

import sqlite3

from tuntas.core.cache import PersistentDiskCache


def test_the_end_of_a_request_does_not_reopen_the_cache(tmp_path, monkeypatch):
    opened: list[str] = []
    real_connect = sqlite3.connect

    def counting_connect(*args, **kwargs):
        opened.append(str(args[0] if args else kwargs.get("database", "")))
        return real_connect(*args, **kwargs)

    monkeypatch.setattr("diskcache.core.sqlite3.connect", counting_connect)
    cache = PersistentDiskCache(str(tmp_path / "cache"), {"SHARDS": 1})
    cache.set("visitor", 1)
    before = len(opened)
    for request in range(5):
        assert cache.get("visitor") == 1 + request
        cache.incr("visitor")
        cache.close()  # what Django's close_caches does after every request
    assert [path for path in opened[before:] if path.startswith(str(tmp_path))] == []
