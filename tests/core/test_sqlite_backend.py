"""The SQLite backend's writer queue: writing transactions take turns on a file lock.

Each test opens its own SQLite file under tmp_path (the suite's own database is in memory, or
PostgreSQL), so these run the same on both of the suite's databases.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import OperationalError, connections, transaction

from tuntas.core.sqlite_backend.base import DatabaseWrapper, WriterQueue

REPO = Path(__file__).resolve().parents[2]


def _settings(path: Path, *, timeout: float) -> dict:
    return {
        "ENGINE": "tuntas.core.sqlite_backend",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": timeout,
            "init_command": "PRAGMA journal_mode=WAL;",
        },
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }


class Database:
    """One SQLite file; ``open(alias)`` registers a connection to it in this thread."""

    def __init__(self, path: Path):
        self.path = path
        self.lock_file = Path(f"{path}.writers")
        self.opened: list[tuple[str, DatabaseWrapper]] = []

    def open(self, alias: str, *, timeout: float = 5.0) -> DatabaseWrapper:
        wrapper = DatabaseWrapper(_settings(self.path, timeout=timeout), alias)
        connections[alias] = wrapper
        self.opened.append((alias, wrapper))
        return wrapper

    def lock_is_free(self) -> bool:
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(fd)  # closing drops the probe's own lock
        return True

    def rows(self) -> list[str]:
        wrapper = self.open("writers_reader")
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT text FROM line ORDER BY id")
            return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def database(tmp_path: Path, django_db_blocker) -> Iterator[Database]:
    with django_db_blocker.unblock():
        database = Database(tmp_path / "writers.sqlite3")
        setup = database.open("writers_setup")
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE line (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        yield database
        for alias, wrapper in database.opened:
            if wrapper.connection is not None:  # those of other threads are closed there
                wrapper.close()
            with contextlib.suppress(AttributeError):  # registered in a thread that ended
                del connections[alias]


def _insert(alias: str, text: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("INSERT INTO line (text) VALUES (%s)", [text])


def test_a_writing_transaction_holds_the_writer_lock_until_it_commits(database):
    database.open("writer")
    with transaction.atomic(using="writer"):
        _insert("writer", "satu")
        assert not database.lock_is_free()
    assert database.lock_is_free()
    assert database.rows() == ["satu"]


def test_a_transaction_that_fails_rolls_back_and_frees_the_lock(database):
    database.open("writer")
    with pytest.raises(ZeroDivisionError), transaction.atomic(using="writer"):
        _insert("writer", "tidak jadi")
        raise ZeroDivisionError
    assert database.lock_is_free()
    assert database.rows() == []


def test_a_savepoint_inside_the_transaction_keeps_the_lock(database):
    database.open("writer")
    with transaction.atomic(using="writer"):
        with transaction.atomic(using="writer"):
            _insert("writer", "dalam")
        assert not database.lock_is_free()
    assert database.lock_is_free()


def test_a_second_writer_waits_for_the_first_and_then_writes_after_it(database):
    database.open("first")
    first_inside, second_done = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def second_writer() -> None:
        try:
            database.open("second")
            first_inside.wait()
            with transaction.atomic(using="second"):
                _insert("second", "kedua")
        except Exception as error:  # noqa: BLE001 - reported to the test's thread
            failures.append(error)
        finally:
            connections["second"].close()
            second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    with transaction.atomic(using="first"):
        _insert("first", "pertama")
        first_inside.set()
        # The second writer cannot finish while this transaction holds the lock.
        assert not second_done.wait(0.2)
    thread.join(10)
    assert not failures
    assert database.rows() == ["pertama", "kedua"]


def test_a_writer_that_waits_past_its_timeout_gets_database_is_locked_and_nothing_is_written(
    database,
):
    database.open("patient", timeout=0.05)
    holder = WriterQueue(str(database.lock_file), timeout=1)
    holder.acquire()
    try:
        with (
            pytest.raises(OperationalError, match="database is locked"),
            transaction.atomic(using="patient"),
        ):
            _insert("patient", "terlambat")
    finally:
        holder.close()
    assert database.rows() == []
    with transaction.atomic(using="patient"):  # the connection is still usable
        _insert("patient", "sekarang")
    assert database.rows() == ["sekarang"]


def test_closing_a_connection_in_the_middle_of_a_transaction_frees_the_lock(database):
    writer = database.open("writer")
    with pytest.raises(ZeroDivisionError), transaction.atomic(using="writer"):
        _insert("writer", "terputus")
        writer.close()
        assert database.lock_is_free()
        raise ZeroDivisionError
    assert database.rows() == []


def test_a_killed_process_leaves_the_lock_free(database):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from tuntas.core.sqlite_backend.base import WriterQueue\n"
            "WriterQueue(sys.argv[1], timeout=1).acquire()\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n",
            str(database.lock_file),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert not database.lock_is_free()
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        assert database.lock_is_free()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_a_write_outside_a_transaction_waits_for_its_turn(database):
    holder = WriterQueue(str(database.lock_file), timeout=1)
    holder.acquire()
    written = threading.Event()

    def autocommit_writer() -> None:
        database.open("autocommit")
        try:
            _insert("autocommit", "sendiri")
        finally:
            connections["autocommit"].close()
            written.set()

    thread = threading.Thread(target=autocommit_writer)
    thread.start()
    try:
        assert not written.wait(0.2)
    finally:
        holder.close()
    thread.join(10)
    assert written.is_set()
    assert database.rows() == ["sendiri"]
    assert database.lock_is_free()


def test_a_write_outside_a_transaction_past_its_timeout_is_refused(database):
    database.open("patient", timeout=0.05)
    holder = WriterQueue(str(database.lock_file), timeout=1)
    holder.acquire()
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            _insert("patient", "terlambat")
    finally:
        holder.close()
    assert database.rows() == []


def test_a_read_only_connection_in_autocommit_takes_no_lock(database):
    reader = database.open("reader")
    holder = WriterQueue(str(database.lock_file), timeout=1)
    holder.acquire()
    try:
        with reader.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM line")
            assert cursor.fetchone() == (0,)
    finally:
        holder.close()


def test_an_in_memory_database_has_no_writer_queue():
    wrapper = DatabaseWrapper(_settings(Path(":memory:"), timeout=1), "writers_memory")
    wrapper.get_connection_params()
    assert wrapper.writer_queue is None
