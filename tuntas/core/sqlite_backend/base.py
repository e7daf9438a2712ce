"""Django's SQLite backend, with writing transactions queued on an OS file lock.

SQLite admits one writer at a time. A transaction that finds the write lock taken is put to
sleep by SQLite's busy handler for 1, 2, 5, 10, 15, 20, 25… ms, however soon the writer
finishes: with three server processes submitting reports, the cores sat idle for 40 % of the
time while a writing transaction takes 2–3 ms. Here each writing transaction first takes an
exclusive ``flock`` on a file beside the database, polled at sub-millisecond intervals, and
only then begins (``BEGIN IMMEDIATE``), so that the next writer starts within a fraction of a
millisecond of the previous commit.

A data-changing statement outside a transaction (Django's autocommit: a ``save()`` or an
``UPDATE`` outside ``atomic()``) takes its turn on the same lock for that one statement.

The file lock only orders the writers; SQLite's own locking still guarantees correctness, so a
writer that does not take it (another program) is merely slower. The
kernel drops the lock of a process that dies, SIGKILL included. A writer that waits longer
than the connection's ``timeout`` gets SQLite's own "database is locked" error. An in-memory
database (the tests') has a single process and takes no lock.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from django.db.backends.sqlite3 import base as sqlite3_base

# Polling intervals while another process writes: short at first (a report's transaction
# lasts a few milliseconds), then every millisecond until the connection's timeout.
_FIRST_POLL_SECONDS = 0.00005
_LONGEST_POLL_SECONDS = 0.001
_DEFAULT_TIMEOUT_SECONDS = 5.0  # sqlite3.connect()'s own default


class WriterQueue:
    """An exclusive ``flock`` on one file, taken with a deadline; one per connection."""

    def __init__(self, path: str, timeout: float):
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self.held = False

    def acquire(self) -> None:
        if self.held:
            return
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fd = self._fd
        if self._try(fd):
            return
        deadline = time.monotonic() + self.timeout
        delay = _FIRST_POLL_SECONDS
        while True:
            time.sleep(delay)
            if self._try(fd):
                return
            if time.monotonic() >= deadline:
                raise sqlite3.OperationalError("database is locked")
            delay = min(delay * 2, _LONGEST_POLL_SECONDS)

    def _try(self, fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self.held = True
        return True

    def release(self) -> None:
        if self.held and self._fd is not None:
            self.held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        self.release()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLAC")


class QueuedCursor(sqlite3_base.SQLiteCursorWrapper):
    """Django's SQLite cursor; a write outside a transaction first takes its writer turn."""

    writer_queue: WriterQueue | None = None

    def _turn_needed(self, query: str) -> WriterQueue | None:
        queue = self.writer_queue
        if queue is None or queue.held or self.connection.in_transaction:
            return None
        return queue if query.lstrip()[:6].upper() in _WRITE_VERBS else None

    def _in_turn(self, query: str, run: Callable[[], Any]) -> Any:
        queue = self._turn_needed(query)
        if queue is None:
            return run()
        queue.acquire()
        try:
            return run()
        finally:
            queue.release()

    def execute(self, query: str, params: Any = None) -> Any:
        parent = sqlite3_base.SQLiteCursorWrapper
        return self._in_turn(query, lambda: parent.execute(self, query, params))

    def executemany(self, query: str, param_list: Any) -> Any:
        parent = sqlite3_base.SQLiteCursorWrapper
        return self._in_turn(query, lambda: parent.executemany(self, query, param_list))


class DatabaseWrapper(sqlite3_base.DatabaseWrapper):
    # django-stubs leave out the private hooks overridden here, hence the type: ignore[misc].
    writer_queue: WriterQueue | None = None

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if self.writer_queue is not None:
            self.writer_queue.close()
            self.writer_queue = None
        if not self.is_in_memory_db():
            self.writer_queue = WriterQueue(
                f"{self.settings_dict['NAME']}.writers",
                float(params.get("timeout", _DEFAULT_TIMEOUT_SECONDS)),
            )
        return params

    def create_cursor(self, name: str | None = None) -> QueuedCursor:
        cursor = self.connection.cursor(factory=QueuedCursor)
        cursor.writer_queue = self.writer_queue
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        if self.writer_queue is None or getattr(self, "transaction_mode", None) not in {
            "IMMEDIATE",
            "EXCLUSIVE",
        }:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
            return
        with self.wrap_database_errors:
            self.writer_queue.acquire()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self.writer_queue.release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release_writer()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            if self.writer_queue is not None:
                self.writer_queue.close()

    def _release_writer(self) -> None:
        if self.writer_queue is not None:
            self.writer_queue.release()
