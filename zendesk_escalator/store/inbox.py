"""The durable inbox: every query on its rows (and the ticket marks they update), but the webhook insert (intake.py)."""

import json
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import and_, case, delete, exists, func, literal_column, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..core.kinds import BATCHED
from ..errors import StorageUnavailable
from . import migrate
from .database import READ_ONLY, make_engine, writer_lock
from .group_commit import GroupCommit
from .intake import Intake
from .listen import Listener, notify_sql
from .schema import DEAD, DONE, PENDING, RUNNING, inbox, tickets
from .wakeup import Doorbell, PipeBell

# A row whose worker died this many times while handling it is poison: it is buried.
CRASH_LIMIT = 5
BATCH = 100
SUPERSEDED = json.dumps({"status": "superseded"})  # the result of a timer whose plan changed before it ran
# What accept() writes; the other columns start empty (or at their defaults).
ACCEPTED_COLUMNS = (
    "kind",
    "dedupe_key",
    "ticket_id",
    "payload",
    "status",
    "attempts",
    "run_at",
    "created_at",
    "updated_at",
)
_OPEN = [literal_column(f"'{status}'") for status in (PENDING, RUNNING)]  # matches the partial indexes
PLANNED = "escalator_planned"  # connection info: rows the transaction made due or planned, rung after its commit


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
    created_at: float = 0.0
    updated_at: float = 0.0
    lease_owner: str | None = None
    last_error: str | None = None
    result: dict | None = None
    deadline: float | None = None
    crashes: int = 0


class Inbox:
    """Accept, claim, finish and retry rows; same code on SQLite and PostgreSQL."""

    def __init__(self, database_url: str):
        self.engine = make_engine(database_url)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self._writer_lock = writer_lock(self.engine)
        self._schema_ready = False
        self._intake = Intake(self.engine, inbox, ACCEPTED_COLUMNS, key="dedupe_key", notify=notify_sql)
        self._accepts = GroupCommit(self._intake.insert)
        self.doorbell = Doorbell()  # this process's idle workers wait on it
        path = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        self._pipe = PipeBell(path + ".wake") if path and path != ":memory:" else None
        self._hears_pipe = False

    def close(self) -> None:
        """Close every connection (the inbox reconnects if used again)."""
        self._intake.close()
        self.engine.dispose()

    def migrate(self) -> str:
        """Bring the database to the newest schema (migrations); return its revision."""
        with _StorageGuard(), self._writer_lock():
            revision = migrate.upgrade(self.engine)
        self._schema_ready = True
        return revision

    def _ensure_schema(self) -> None:
        # The database may have been down at start-up: migrate on first use.
        if not self._schema_ready:
            self.migrate()

    def accept(
        self, kind: str, dedupe_key: str, ticket_id: int, payload: dict, now: float, run_at: float | None = None
    ) -> bool:
        """Store one row durably (committed on return); False when the dedupe key was seen before."""
        row = dict(
            kind=kind,
            dedupe_key=dedupe_key,
            ticket_id=ticket_id,
            payload=json.dumps(payload),
            status=PENDING,
            attempts=0,
            run_at=now if run_at is None else run_at,
            created_at=now,
            updated_at=now,
        )
        self._ensure_schema()
        new = self._accepts.submit(row)
        if new:
            self.after_commit(1)
        return new

    def after_commit(self, rows: int) -> None:
        """A commit made `rows` rows due (or planned them): wake this process's workers, and on SQLite another
        process's (on PostgreSQL the transaction notified them: see _planned)."""
        if rows > 0:
            self.doorbell.ring(rows)
            if self._pipe and not self._hears_pipe:  # a process that reads the pipe rang its own threads
                self._pipe.ring()

    def listen(self):
        """Hear the other processes' commits (a worker process); return what to stop(), or None."""
        if self.is_postgres:
            return Listener(self.engine.url, self.doorbell)
        reader = self._pipe.listen(self.doorbell) if self._pipe else None
        self._hears_pipe = reader is not None
        return reader

    def claim(self, owner: str, now: float, lease_seconds: float) -> list[InboxRow]:
        """Lease the next due row plus the due rows that can go with it.

        A row is claimable when it is due, no row of its ticket is in a worker's
        hands, and no older row of its ticket is due: one ticket is never processed
        twice at once, and its due rows keep their order. A row that is not due yet
        (a timer for tomorrow, a retry in backoff) holds back nothing. The due rows
        of the same ticket and kind are coalesced (one fresh read covers them all);
        timers of up to BATCH tickets go together. A running row found here has
        outlived its lease: its worker died.
        """
        self._ensure_schema()
        with self.transaction() as conn:
            while True:
                head = conn.execute(self._next_due(now)).mappings().first()
                if head is None:
                    return []
                crashed = head["status"] == RUNNING
                if not crashed or head["crashes"] + 1 < CRASH_LIMIT:
                    break
                self._finish(
                    conn,
                    [head["id"]],
                    None,
                    now,
                    status=DEAD,
                    crashes=head["crashes"] + 1,
                    last_error=f"its worker died {head['crashes'] + 1} times while handling it (poison?)",
                )
            if head["kind"] in BATCHED:  # rows of many tickets together: one read re-checks them all
                ids = [
                    head["id"],
                    *conn.execute(
                        self._next_due(now, head["kind"], BATCH)
                        .with_only_columns(inbox.c.id)
                        .where(inbox.c.id != head["id"], inbox.c.status == PENDING)
                    ).scalars(),
                ]
            else:
                ids = [
                    head["id"],
                    *conn.execute(
                        select(inbox.c.id).where(
                            inbox.c.ticket_id == head["ticket_id"],
                            inbox.c.kind == head["kind"],
                            inbox.c.id > head["id"],
                            inbox.c.status == PENDING,
                            inbox.c.run_at <= now,
                        )
                    ).scalars(),
                ]
            # One statement leases the rows, counts the crash and returns them: each round trip to
            # the database is a wait a loaded machine stretches.
            crashes = (
                case((inbox.c.id == head["id"], inbox.c.crashes + 1), else_=inbox.c.crashes)
                if crashed
                else inbox.c.crashes
            )
            rows = (
                conn.execute(
                    update(inbox)
                    .where(inbox.c.id.in_(ids))
                    .values(
                        status=RUNNING,
                        lease_owner=owner,
                        run_at=now + lease_seconds,
                        crashes=crashes,
                        attempts=inbox.c.attempts + 1,
                        updated_at=now,
                    )
                    .returning(*inbox.c)
                )
                .mappings()
                .all()
            )
            return sorted((_row(r) for r in rows), key=lambda row: row.id)

    def schedule(self, rows: list[dict], now: float) -> int:
        """Store timer or job rows not stored yet; return how many were new.

        Each row: kind, dedupe_key, ticket_id, payload, run_at.

        A row that was superseded is planned again (a breach time that moved back, a
        reminder at a moment a raise had cancelled); a row that ran never runs twice.
        """
        if not rows:
            return 0
        self._ensure_schema()
        with self.transaction() as conn:
            return self.schedule_in(conn, rows, now)

    def schedule_in(self, conn: Connection, rows: list[dict], now: float) -> int:
        """schedule(), inside a transaction of the store's (rows written with what they follow from)."""
        if not rows:
            return 0
        values = [
            dict(row, payload=json.dumps(row["payload"]), status=PENDING, attempts=0, created_at=now, updated_at=now)
            for row in rows
        ]
        insert = (postgresql if self.is_postgres else sqlite).insert(inbox)
        # Counted from RETURNING: a rowcount of several rows' insert is -1 on PostgreSQL (psycopg's executemany).
        new = len(
            conn.execute(
                insert.on_conflict_do_nothing(index_elements=[inbox.c.dedupe_key]).returning(inbox.c.id), values
            ).all()
        )
        new += self._revive(conn, values, now) if new < len(values) else 0
        return self._planned(conn, new)

    def _planned(self, conn: Connection, rows: int) -> int:
        """This transaction made `rows` rows due or planned them: tell the workers once it commits."""
        if rows > 0:
            conn.info[PLANNED] += rows
            if self.is_postgres:  # delivered at commit, never before
                conn.exec_driver_sql(f"SELECT {notify_sql(str(rows))}")
        return rows

    @staticmethod
    def _revive(conn, values: list[dict], now: float) -> int:
        by_key = {row["dedupe_key"]: row for row in values}
        superseded = conn.execute(
            select(inbox.c.id, inbox.c.dedupe_key).where(
                inbox.c.dedupe_key.in_(list(by_key)), inbox.c.status == DONE, inbox.c.result == SUPERSEDED
            )
        ).all()
        for row_id, key in superseded:
            conn.execute(
                update(inbox)
                .where(inbox.c.id == row_id)
                .values(
                    status=PENDING,
                    payload=by_key[key]["payload"],
                    run_at=by_key[key]["run_at"],
                    attempts=0,
                    result=None,
                    last_error=None,
                    updated_at=now,
                )
            )
        return len(superseded)

    def supersede(self, kind: str, ticket_ids: list[int], keep: set[str], now: float) -> int:
        """Finish the pending rows of `kind` for these tickets whose key is not in `keep` (plans changed)."""
        if not ticket_ids:
            return 0
        with self.transaction() as conn:
            done = conn.execute(
                update(inbox)
                .where(
                    inbox.c.kind == kind,
                    inbox.c.status == PENDING,
                    inbox.c.ticket_id.in_(ticket_ids),
                    inbox.c.dedupe_key.not_in(keep or {""}),
                )
                .values(status=DONE, result=SUPERSEDED, updated_at=now)
            )
        return done.rowcount

    def renew(self, rows: list[InboxRow], owner: str, now: float, lease_seconds: float) -> bool:
        """Extend our lease; False when it was lost (expired and re-claimed, or handed back)."""
        with self.transaction() as conn:
            done = conn.execute(
                update(inbox).where(*self._owned(rows, owner)).values(run_at=now + lease_seconds, updated_at=now)
            )
        return done.rowcount == len(rows)

    def complete(
        self, rows: list[InboxRow], owner: str, now: float, result: dict, comment_mark: int | None = None
    ) -> bool:
        """Mark rows done with their outcome (and remember the comments examined); False when the lease was lost."""
        with self.transaction() as conn:
            finished = self._finish(
                conn, [r.id for r in rows], owner, now, status=DONE, result=json.dumps(result), last_error=None
            )
            if finished and comment_mark is not None:
                self._upsert_mark(conn, rows[0].ticket_id, comment_mark, now)
            return finished

    def retry(self, rows: list[InboxRow], owner: str, now: float, run_at: float, deadline: float, error: str) -> bool:
        """Put rows back to pending, due at `run_at`; retries stop at `deadline`."""
        with self.transaction() as conn:
            return self._finish(
                conn,
                [r.id for r in rows],
                owner,
                now,
                status=PENDING,
                run_at=run_at,
                deadline=deadline,
                last_error=error,
            )

    def wake(self, now: float, error_prefix: str) -> int:
        """Make pending rows that last failed with this error due now (an outage is over)."""
        with self.transaction() as conn:
            woken = conn.execute(
                update(inbox)
                .where(
                    inbox.c.status == PENDING,
                    inbox.c.run_at > now,
                    inbox.c.last_error.startswith(error_prefix, autoescape=True),
                )
                .values(run_at=now)
            )
            return self._planned(conn, woken.rowcount)

    def hold(self, rows: list[InboxRow], owner: str, now: float, run_at: float, error: str) -> bool:
        """Put rows back until `run_at` for a cause that is not theirs: the attempt not counted, the budget
        (deadline) moved back by the wait."""
        with self.transaction() as conn:
            return self._finish(
                conn,
                [r.id for r in rows],
                owner,
                now,
                status=PENDING,
                run_at=run_at,
                attempts=inbox.c.attempts - 1,
                deadline=inbox.c.deadline + (run_at - now),
                last_error=error,
            )

    def release(self, rows: list[InboxRow], owner: str, now: float) -> bool:
        """Hand rows back at once (a worker stopping): due now, the attempt not counted."""
        with self.transaction() as conn:
            released = self._finish(
                conn, [r.id for r in rows], owner, now, status=PENDING, run_at=now, attempts=inbox.c.attempts - 1
            )
            self._planned(conn, len(rows) if released else 0)
            return released

    def bury(self, rows: list[InboxRow], owner: str, now: float, error: str) -> bool:
        """Mark rows dead: kept, visible, never retried automatically."""
        with self.transaction() as conn:
            return self._finish(conn, [r.id for r in rows], owner, now, status=DEAD, last_error=error)

    def comment_mark(self, ticket_id: int) -> int | None:
        """The newest comment of this ticket examined so far, if any."""
        with self.reading() as conn:
            return conn.execute(select(tickets.c.comment_mark).where(tickets.c.ticket_id == ticket_id)).scalar()

    def oldest_due(self, now: float) -> float | None:
        """When the longest-waiting due row (pending, or running past its lease) fell due; None when none is."""
        with self.reading() as conn:
            return conn.execute(
                select(func.min(inbox.c.run_at)).where(inbox.c.status.in_(_OPEN), inbox.c.run_at <= now)
            ).scalar()

    def next_run_at(self, now: float) -> float | None:
        """When the next open row falls due after `now` (a timer, a retry, a lease running out); None if none."""
        with self.reading() as conn:
            return conn.execute(
                select(func.min(inbox.c.run_at)).where(inbox.c.status.in_(_OPEN), inbox.c.run_at > now)
            ).scalar()

    def counts(self) -> dict[str, int]:
        """Rows per status."""
        with self.reading() as conn:
            found = conn.execute(select(inbox.c.status, func.count()).group_by(inbox.c.status))
            return {PENDING: 0, RUNNING: 0, DONE: 0, DEAD: 0, **dict(found.all())}

    def rows(
        self, status: str | None = None, limit: int = 1000, row_id: int | None = None, dedupe_key: str | None = None
    ) -> list[InboxRow]:
        """List rows (or the one with `row_id`, or with `dedupe_key`), oldest first."""
        query = select(inbox).order_by(inbox.c.id).limit(limit)
        if status:
            query = query.where(inbox.c.status == status)
        if row_id is not None:
            query = query.where(inbox.c.id == row_id)
        if dedupe_key is not None:
            query = query.where(inbox.c.dedupe_key == dedupe_key)
        with self.reading() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]

    def revive(self, row_ids: list[int] | None, now: float, deadline: float) -> int:
        """Dead rows (these, or all when None) back to pending, due now, retried until `deadline`.

        The attempts and last error stay as a record of what happened; the crash
        count starts again, or the next crash would bury the row at once.
        """
        dead = [inbox.c.status == DEAD] + ([inbox.c.id.in_(row_ids)] if row_ids is not None else [])
        with self.transaction() as conn:
            revived = conn.execute(
                update(inbox)
                .where(*dead)
                .values(status=PENDING, run_at=now, deadline=deadline, crashes=0, lease_owner=None, updated_at=now)
            )
            return self._planned(conn, revived.rowcount)

    def purge_done(self, before: float) -> int:
        """Delete finished rows last touched before `before`; dead rows are kept."""
        with self.transaction() as conn:
            gone = conn.execute(delete(inbox).where(inbox.c.status == DONE, inbox.c.updated_at < before))
        return gone.rowcount

    def ping(self) -> None:
        """Raise StorageUnavailable unless the database answers."""
        with self.reading() as conn:
            conn.exec_driver_sql("SELECT 1")

    def _next_due(self, now: float, kind: str | None = None, limit: int = 1):
        other = inbox.alias("other")
        in_hand = and_(other.c.status == RUNNING, other.c.run_at > now)  # a live lease
        due = and_(other.c.status.in_(_OPEN), other.c.run_at <= now)
        blocked = exists().where(
            other.c.ticket_id == inbox.c.ticket_id,
            other.c.id != inbox.c.id,
            or_(in_hand, and_(due, other.c.id < inbox.c.id)),
        )
        query = select(inbox).where(inbox.c.status.in_(_OPEN), inbox.c.run_at <= now, ~blocked)
        if kind is not None:
            query = query.where(inbox.c.kind == kind)
        query = query.order_by(inbox.c.run_at, inbox.c.id).limit(limit)
        return query.with_for_update(skip_locked=True) if self.is_postgres else query

    def _upsert_mark(self, conn: Connection, ticket_id: int, comment_mark: int, now: float) -> None:
        insert = (postgresql if self.is_postgres else sqlite).insert(tickets)
        values = {"comment_mark": comment_mark, "updated_at": now}
        conn.execute(
            insert.values(ticket_id=ticket_id, **values).on_conflict_do_update(
                index_elements=[tickets.c.ticket_id], set_=values
            )
        )

    @staticmethod
    def _owned(rows: list[InboxRow], owner: str):
        return inbox.c.id.in_([r.id for r in rows]), inbox.c.lease_owner == owner, inbox.c.status == RUNNING

    @staticmethod
    def _finish(conn: Connection, ids: list[int], owner: str | None, now: float, **values) -> bool:
        conditions = [inbox.c.id.in_(ids)]
        if owner is not None:
            conditions += [inbox.c.lease_owner == owner, inbox.c.status == RUNNING]
        done = conn.execute(update(inbox).where(*conditions).values(lease_owner=None, updated_at=now, **values))
        return done.rowcount == len(ids)

    @contextmanager
    def transaction(self):
        """A write transaction (the store's other modules use it too); the rows it planned are rung after it."""
        with _StorageGuard(), self._writer_lock(), self.engine.begin() as conn:
            conn.info[PLANNED] = 0
            yield conn
            planned = conn.info[PLANNED]
        self.after_commit(planned)

    @contextmanager
    def reading(self):
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
    return InboxRow(
        id=r["id"],
        kind=r["kind"],
        dedupe_key=r["dedupe_key"],
        ticket_id=r["ticket_id"],
        payload=json.loads(r["payload"]),
        status=r["status"],
        attempts=r["attempts"],
        run_at=r["run_at"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        lease_owner=r["lease_owner"],
        last_error=r["last_error"],
        result=json.loads(r["result"]) if r["result"] else None,
        deadline=r["deadline"],
        crashes=r["crashes"],
    )
