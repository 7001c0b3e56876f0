"""The database handle: the engine, its migrations, its transactions, and the wake-ups their commits ring."""

from contextlib import contextmanager
from types import TracebackType
from typing import Callable, Iterator, Literal

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..errors import StorageUnavailable
from . import migrate
from .database import READ_ONLY, make_engine, writer_lock
from .listen import Listener, notify_sql
from .wakeup import Doorbell, PipeBell, PipeReader

PLANNED = "escalator_planned"  # connection info: rows the transaction made due or planned, rung after its commit


class Database:
    """One database (SQLite or PostgreSQL) the store's tables live on: the inbox, cursors, episodes, marks.

    The service opens it once; each table is an object taking it (Inbox(database), Cursors(database), ...).
    """

    def __init__(self, database_url: str):
        self.engine = make_engine(database_url)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self._writer_lock = writer_lock(self.engine)
        self._schema_ready = False
        self.doorbell = Doorbell()  # this process's idle workers wait on it
        path = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        self._pipe = PipeBell(path + ".wake") if path and path != ":memory:" else None
        self._hears_pipe = False
        self._closers: list[Callable[[], None]] = []

    def on_close(self, closer: Callable[[], None]) -> None:
        """Have close() call `closer` too: a table's own connection (the inbox's intake) closes with the handle."""
        self._closers.append(closer)

    def close(self) -> None:
        """Close every connection (the handle reconnects if used again)."""
        for closer in self._closers:
            closer()
        self.engine.dispose()

    def migrate(self) -> str:
        """Bring the database to the newest schema (migrations); return its revision."""
        with _StorageGuard(), self._writer_lock():
            revision = migrate.upgrade(self.engine)
        self._schema_ready = True
        return revision

    def ensure_schema(self) -> None:
        """Migrate on first use: the database may have been down at start-up."""
        if not self._schema_ready:
            self.migrate()

    def after_commit(self, rows: int) -> None:
        """A commit made `rows` rows due (or planned them): wake this process's workers, and on SQLite another
        process's (on PostgreSQL the transaction notified them: see planned)."""
        if rows > 0:
            self.doorbell.ring(rows)
            if self._pipe and not self._hears_pipe:  # a process that reads the pipe rang its own threads
                self._pipe.ring()

    def listen(self) -> "Listener | PipeReader | None":
        """Hear the other processes' commits (a worker process); return what to stop(), or None."""
        if self.is_postgres:
            return Listener(self.engine.url, self.doorbell)
        reader = self._pipe.listen(self.doorbell) if self._pipe else None
        self._hears_pipe = reader is not None
        return reader

    def planned(self, conn: Connection, rows: int) -> int:
        """This transaction made `rows` rows due or planned them: tell the workers once it commits."""
        if rows > 0:
            conn.info[PLANNED] += rows
            if self.is_postgres:  # delivered at commit, never before
                conn.exec_driver_sql(f"SELECT {notify_sql(str(rows))}")
        return rows

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction (the store's other modules use it too); the rows it planned are rung after it."""
        with _StorageGuard(), self._writer_lock(), self.engine.begin() as conn:
            conn.info[PLANNED] = 0
            yield conn
            planned = conn.info[PLANNED]
        self.after_commit(planned)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A transaction that only reads: on SQLite it never waits for a writer."""
        with _StorageGuard(), self.engine.connect() as conn:
            with conn.execution_options(**{READ_ONLY: True}).begin():
                yield conn

    def ping(self) -> None:
        """Raise StorageUnavailable unless the database answers."""
        with self.reading() as conn:
            conn.exec_driver_sql("SELECT 1")


class _StorageGuard:
    """Turn database outages into StorageUnavailable (integrity errors pass through)."""

    def __enter__(self) -> "_StorageGuard":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        if isinstance(error, DBAPIError) and not isinstance(error, IntegrityError):
            raise StorageUnavailable(f"database unavailable: {error.orig!r}") from error
        return False
