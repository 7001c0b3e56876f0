"""Engines for SQLite (WAL, synchronous=FULL) and PostgreSQL, and SQLite's writer lock."""

import fcntl
import os
import threading
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Callable, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

READ_ONLY = "escalator_read_only"  # execution option: this transaction only reads
WriterLock = Callable[[], AbstractContextManager[None]]  # held around a write transaction


def make_engine(database_url: str) -> Engine:
    """Create an engine: SQLite with WAL + synchronous=FULL, or PostgreSQL via psycopg."""
    if database_url.startswith(("postgres://", "postgresql://")):
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    if not database_url.startswith("sqlite"):
        # Bounded waits: a hung database must end in StorageUnavailable (503), never a
        # request or worker that waits forever.
        timeouts = {"connect_timeout": 10, "options": "-c statement_timeout=30000"}
        return create_engine(database_url, pool_pre_ping=True, connect_args=timeouts)
    # `timeout` is SQLite's busy timeout: a write waits at most 10 s for the lock, then
    # 503; well inside gunicorn's 30 s worker timeout, since a gevent web process waits
    # in SQLite's C code.
    engine = create_engine(database_url, connect_args={"timeout": 10, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        for pragma in ("journal_mode=WAL", "synchronous=FULL"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front so two claimers cannot both read the
        # same row; readers (READ_ONLY) see a snapshot and never wait (WAL).
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def writer_lock(engine: Engine) -> WriterLock:
    """A lock to hold around write transactions: a no-op except for SQLite files."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    return SqliteWriterLock(path + ".lock") if path and path != ":memory:" else _NoLock()


class _NoLock:
    def __call__(self) -> AbstractContextManager[None]:
        return nullcontext()


class SqliteWriterLock:
    """Queue SQLite writers (threads and processes) in the kernel, not in SQLite's busy loop.

    SQLite makes a blocked writer sleep and poll (1, 2, 5 … 100 ms); with several
    processes that adds tens of milliseconds per commit. flock() wakes the next
    writer the moment the lock is free. The webhook intake does without it: its
    single statement holds SQLite's lock only inside one C call (intake.py).
    """

    def __init__(self, path: str):
        self.path = path
        self._threads = threading.Lock()  # flock does not exclude threads sharing an fd
        self._fd, self._pid = -1, -1  # opened on first use, in this process

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._threads:
            fd = self._descriptor()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _descriptor(self) -> int:
        if self._pid != os.getpid():  # after a fork the inherited fd would share our lock
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd
