"""The durable inbox: its table and every query on it, but for the webhook insert (intake.py)."""

import json
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import (BigInteger, Column, Float, Index, Integer, MetaData, String, Table, Text,
                        and_, delete, exists, func, literal_column, select, text, update)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from .database import READ_ONLY, make_engine, writer_lock
from ..errors import StorageUnavailable
from .group_commit import GroupCommit
from .intake import Intake

PENDING, RUNNING, DONE, DEAD = "pending", "running", "done", "dead"
SCHEMA_LOCK_KEY = 0x65736361  # arbitrary, constant: PostgreSQL advisory lock for create_schema


# Open rows, spelled as literal SQL so that SQLite and PostgreSQL can match the
# partial indexes below (a bound parameter would hide the values from the planner).
_OPEN_LITERALS = [f"'{status}'" for status in (PENDING, RUNNING)]


def _is_open(table):
    return table.c.status.in_([literal_column(value) for value in _OPEN_LITERALS])


metadata = MetaData()
inbox = Table(
    "escalator_inbox", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("dedupe_key", String(255), nullable=False, unique=True),
    Column("ticket_id", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    # When the row is next due: for pending rows the (re)try time, for running
    # rows the end of the lease, after which another worker may take it over.
    Column("run_at", Float, nullable=False),
    Column("lease_owner", String(64)),
    Column("last_error", Text),
    Column("result", Text),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("ix_escalator_inbox_finished", "status", "updated_at"),
)
# Finished rows are kept for weeks; claiming must only ever look at the open ones.
_OPEN_ROWS = text(f"status IN ({', '.join(_OPEN_LITERALS)})")
Index("ix_escalator_inbox_open_due", inbox.c.run_at, sqlite_where=_OPEN_ROWS, postgresql_where=_OPEN_ROWS)
Index("ix_escalator_inbox_open_ticket", inbox.c.ticket_id, inbox.c.id,
      sqlite_where=_OPEN_ROWS, postgresql_where=_OPEN_ROWS)


# What accept() writes; the other columns start empty.
ACCEPTED_COLUMNS = ("kind", "dedupe_key", "ticket_id", "payload", "status", "attempts",
                    "run_at", "created_at", "updated_at")


@dataclass(frozen=True)
class InboxRow:
    """One accepted notification (or timer) as the worker sees it."""

    id: int
    kind: str
    dedupe_key: str
    ticket_id: int
    payload: dict
    status: str
    attempts: int
    run_at: float
    last_error: str | None = None
    result: dict | None = None


class Inbox:
    """Accept, claim, finish and retry rows; same code on SQLite and PostgreSQL."""

    def __init__(self, database_url: str):
        self.engine = make_engine(database_url)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self._writer_lock = writer_lock(self.engine)
        self._schema_ready = False
        self._intake = Intake(self.engine, inbox, ACCEPTED_COLUMNS, key="dedupe_key")
        self._accepts = GroupCommit(self._intake.insert)

    def close(self) -> None:
        """Close every connection (the inbox reconnects if used again)."""
        self._intake.close()
        self.engine.dispose()

    def create_schema(self) -> None:
        """Create the table if it does not exist yet."""
        with _StorageGuard(), self._writer_lock(), self.engine.begin() as conn:
            if self.is_postgres:  # web and worker processes start together: one creates, others wait
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK_KEY})")
            metadata.create_all(conn)
        self._schema_ready = True

    def _ensure_schema(self) -> None:
        # The database may have been down at start-up: create the table on first use.
        if not self._schema_ready:
            self.create_schema()

    def accept(self, kind: str, dedupe_key: str, ticket_id: int, payload: dict, now: float,
               run_at: float | None = None) -> bool:
        """Store one row durably (committed on return); False when the dedupe key was seen before."""
        row = dict(kind=kind, dedupe_key=dedupe_key, ticket_id=ticket_id,
                   payload=json.dumps(payload), status=PENDING, attempts=0,
                   run_at=now if run_at is None else run_at, created_at=now, updated_at=now)
        self._ensure_schema()
        return self._accepts.submit(row)

    def claim(self, owner: str, now: float, lease_seconds: float,
              max_attempts: int) -> list[InboxRow]:
        """Lease the next due row plus the due rows of the same ticket behind it.

        Only the oldest open row of a ticket is ever claimable, so one ticket is
        never processed twice at once and its events keep their order. Rows that
        arrived before this claim are coalesced: one fresh read covers them all.
        """
        self._ensure_schema()
        with self._transaction() as conn:
            while True:
                head = conn.execute(self._next_due(now)).mappings().first()
                if head is None:
                    return []
                if head["attempts"] < max_attempts:
                    break
                # A row whose worker died max_attempts times is poison: bury it.
                self._finish(conn, [head["id"]], None, now, status=DEAD,
                             last_error=f"lease expired {head['attempts']} times (worker killed?)")
            ids = [head["id"], *conn.execute(
                select(inbox.c.id).where(inbox.c.ticket_id == head["ticket_id"],
                                         inbox.c.kind == head["kind"], inbox.c.id > head["id"],
                                         inbox.c.status == PENDING, inbox.c.run_at <= now)
            ).scalars()]
            conn.execute(update(inbox).where(inbox.c.id.in_(ids)).values(
                status=RUNNING, lease_owner=owner, run_at=now + lease_seconds,
                attempts=inbox.c.attempts + 1, updated_at=now))
            rows = conn.execute(select(inbox).where(inbox.c.id.in_(ids)).order_by(inbox.c.id))
            return [_row(r) for r in rows.mappings()]

    def renew(self, rows: list[InboxRow], owner: str, now: float, lease_seconds: float) -> bool:
        """Extend our lease; False when it was lost (expired and re-claimed)."""
        with self._transaction() as conn:
            done = conn.execute(update(inbox).where(*self._owned(rows, owner)).values(
                run_at=now + lease_seconds, updated_at=now))
        return done.rowcount == len(rows)

    def complete(self, rows: list[InboxRow], owner: str, now: float, result: dict) -> bool:
        """Mark rows done with their outcome; False when the lease was lost."""
        with self._transaction() as conn:
            return self._finish(conn, [r.id for r in rows], owner, now, status=DONE,
                                result=json.dumps(result), last_error=None)

    def retry(self, rows: list[InboxRow], owner: str, now: float, delay: float, error: str) -> bool:
        """Put rows back to pending, due after `delay` seconds."""
        with self._transaction() as conn:
            return self._finish(conn, [r.id for r in rows], owner, now, status=PENDING,
                                run_at=now + delay, last_error=error)

    def bury(self, rows: list[InboxRow], owner: str, now: float, error: str) -> bool:
        """Mark rows dead: kept, visible, never retried automatically."""
        with self._transaction() as conn:
            return self._finish(conn, [r.id for r in rows], owner, now, status=DEAD, last_error=error)

    def counts(self) -> dict[str, int]:
        """Rows per status."""
        with self._reading() as conn:
            found = conn.execute(select(inbox.c.status, func.count()).group_by(inbox.c.status))
            return {PENDING: 0, RUNNING: 0, DONE: 0, DEAD: 0, **dict(found.all())}

    def rows(self, status: str | None = None, limit: int = 1000) -> list[InboxRow]:
        """List rows, oldest first (for operators and tests)."""
        query = select(inbox).order_by(inbox.c.id).limit(limit)
        if status:
            query = query.where(inbox.c.status == status)
        with self._reading() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]

    def purge_done(self, before: float) -> int:
        """Delete finished rows last touched before `before`; dead rows are kept."""
        with self._transaction() as conn:
            gone = conn.execute(delete(inbox).where(inbox.c.status == DONE,
                                                    inbox.c.updated_at < before))
        return gone.rowcount

    def ping(self) -> None:
        """Raise StorageUnavailable unless the database answers."""
        with self._reading() as conn:
            conn.exec_driver_sql("SELECT 1")

    def _next_due(self, now: float):
        older = inbox.alias("older")
        blocked = exists().where(older.c.ticket_id == inbox.c.ticket_id,
                                 older.c.id < inbox.c.id, _is_open(older))
        due = and_(_is_open(inbox), inbox.c.run_at <= now)
        query = select(inbox).where(due, ~blocked).order_by(inbox.c.run_at, inbox.c.id).limit(1)
        return query.with_for_update(skip_locked=True) if self.is_postgres else query

    @staticmethod
    def _owned(rows: list[InboxRow], owner: str):
        return inbox.c.id.in_([r.id for r in rows]), inbox.c.lease_owner == owner, inbox.c.status == RUNNING

    @staticmethod
    def _finish(conn: Connection, ids: list[int], owner: str | None, now: float, **values) -> bool:
        conditions = [inbox.c.id.in_(ids)]
        if owner is not None:
            conditions += [inbox.c.lease_owner == owner, inbox.c.status == RUNNING]
        done = conn.execute(update(inbox).where(*conditions).values(
            lease_owner=None, updated_at=now, **values))
        return done.rowcount == len(ids)

    @contextmanager
    def _transaction(self):
        with _StorageGuard(), self._writer_lock(), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _reading(self):
        """A transaction that only reads: on SQLite it never waits for a writer."""
        with _StorageGuard(), self.engine.connect() as conn:
            with conn.execution_options(**{READ_ONLY: True}).begin():
                yield conn


class _StorageGuard:
    """Turn database outages into StorageUnavailable (integrity errors pass through)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        if isinstance(error, DBAPIError) and not isinstance(error, IntegrityError):
            raise StorageUnavailable(f"database unavailable: {error.orig!r}") from error
        return False


def _row(r) -> InboxRow:
    return InboxRow(id=r["id"], kind=r["kind"], dedupe_key=r["dedupe_key"],
                    ticket_id=r["ticket_id"], payload=json.loads(r["payload"]),
                    status=r["status"], attempts=r["attempts"], run_at=r["run_at"],
                    last_error=r["last_error"],
                    result=json.loads(r["result"]) if r["result"] else None)
