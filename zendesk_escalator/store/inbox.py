"""The inbox: the queue of work, a table on the database handle; accept, claim, finish and retry its rows."""

import json
from typing import Any

from sqlalchemy import delete, func, select, update

from . import claims
from .group_commit import GroupCommit
from .handle import Database
from .intake import Intake
from .listen import notify_sql
from .marks import CommentMarks
from .planning import schedule_in
from .rows import ACCEPTED_COLUMNS, OPEN, SUPERSEDED, InboxRow, finish, oldest_due, owned, row_of, status_counts
from .schema import DEAD, DONE, PENDING, inbox


class Inbox:
    """The queue on a database handle; same code on SQLite and PostgreSQL."""

    def __init__(self, database: Database):
        self.database = database
        self._intake = Intake(database.engine, inbox, ACCEPTED_COLUMNS, key="dedupe_key", notify=notify_sql)
        database.on_close(self._intake.close)  # its own connection: closed with the handle's
        self._accepts = GroupCommit(self._intake.insert)
        self.marks = CommentMarks(database)  # written with the rows they finish

    def accept(
        self,
        kind: str,
        dedupe_key: str,
        ticket_id: int,
        payload: dict[str, Any],
        now: float,
        run_at: float | None = None,
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
        self.database.ensure_schema()
        new = self._accepts.submit(row)
        if new:
            self.database.after_commit(1)
        return new

    def claim(self, owner: str, now: float, lease_seconds: float) -> list[InboxRow]:
        """Lease the next due row plus the due rows that can go with it.

        A row is claimable when it is due, no row of its ticket is in a worker's
        hands, and no older row of its ticket is due: one ticket is never processed
        twice at once, and its due rows keep their order. A row that is not due yet
        (a timer for tomorrow, a retry in backoff) holds back nothing. The due rows
        of the same ticket and kind are coalesced (one fresh read covers them all);
        timers of up to claims.BATCH tickets go together. A running row found here has
        outlived its lease: its worker died (claims.CRASH_LIMIT times: the row is buried).
        """
        self.database.ensure_schema()
        with self.database.transaction() as conn:
            return claims.claim(conn, owner, now, lease_seconds, lock_rows=self.database.is_postgres)

    def schedule(self, rows: list[dict[str, Any]], now: float) -> int:
        """Store timer or job rows not stored yet; return how many were new.

        Each row: kind, dedupe_key, ticket_id, payload, run_at.

        A row that was superseded is planned again (a breach time that moved back, a
        reminder at a moment a raise had cancelled); a row that ran never runs twice.
        """
        if not rows:
            return 0
        self.database.ensure_schema()
        with self.database.transaction() as conn:
            return schedule_in(self.database, conn, rows, now)

    def supersede(self, kind: str, ticket_ids: list[int], keep: set[str], now: float) -> int:
        """Finish the pending rows of `kind` for these tickets whose key is not in `keep` (plans changed)."""
        if not ticket_ids:
            return 0
        with self.database.transaction() as conn:
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
        with self.database.transaction() as conn:
            done = conn.execute(
                update(inbox).where(*owned(rows, owner)).values(run_at=now + lease_seconds, updated_at=now)
            )
        return done.rowcount == len(rows)

    def complete(
        self, rows: list[InboxRow], owner: str, now: float, result: dict[str, Any], comment_mark: int | None = None
    ) -> bool:
        """Mark rows done with their outcome (and remember the comments examined); False when the lease was lost."""
        with self.database.transaction() as conn:
            finished = finish(
                conn, [r.id for r in rows], owner, now, status=DONE, result=json.dumps(result), last_error=None
            )
            if finished and comment_mark is not None:
                self.marks.write(conn, rows[0].ticket_id, comment_mark, now)
            return finished

    def retry(self, rows: list[InboxRow], owner: str, now: float, run_at: float, deadline: float, error: str) -> bool:
        """Put rows back to pending, due at `run_at`; retries stop at `deadline`."""
        with self.database.transaction() as conn:
            return finish(
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
        with self.database.transaction() as conn:
            woken = conn.execute(
                update(inbox)
                .where(
                    inbox.c.status == PENDING,
                    inbox.c.run_at > now,
                    inbox.c.last_error.startswith(error_prefix, autoescape=True),
                )
                .values(run_at=now)
            )
            return self.database.planned(conn, woken.rowcount)

    def hold(self, rows: list[InboxRow], owner: str, now: float, run_at: float, error: str) -> bool:
        """Put rows back until `run_at` for a cause that is not theirs: the attempt not counted, the budget
        (deadline) moved back by the wait."""
        with self.database.transaction() as conn:
            return finish(
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
        with self.database.transaction() as conn:
            released = finish(
                conn, [r.id for r in rows], owner, now, status=PENDING, run_at=now, attempts=inbox.c.attempts - 1
            )
            self.database.planned(conn, len(rows) if released else 0)
            return released

    def bury(self, rows: list[InboxRow], owner: str, now: float, error: str) -> bool:
        """Mark rows dead: kept, visible, never retried automatically."""
        with self.database.transaction() as conn:
            return finish(conn, [r.id for r in rows], owner, now, status=DEAD, last_error=error)

    def oldest_due(self, now: float) -> float | None:
        """When the longest-waiting due row (pending, or running past its lease) fell due; None when none is."""
        with self.database.reading() as conn:
            return oldest_due(conn, now)

    def next_run_at(self, now: float) -> float | None:
        """When the next open row falls due after `now` (a timer, a retry, a lease running out); None if none."""
        with self.database.reading() as conn:
            return conn.execute(
                select(func.min(inbox.c.run_at)).where(inbox.c.status.in_(OPEN), inbox.c.run_at > now)
            ).scalar()

    def counts(self) -> dict[str, int]:
        """Rows per status."""
        with self.database.reading() as conn:
            return status_counts(conn)

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
        with self.database.reading() as conn:
            return [row_of(r) for r in conn.execute(query).mappings()]

    def revive(self, row_ids: list[int] | None, now: float, deadline: float) -> int:
        """Dead rows (these, or all when None) back to pending, due now, retried until `deadline`.

        The attempts and last error stay as a record of what happened; the crash
        count starts again, or the next crash would bury the row at once.
        """
        dead = [inbox.c.status == DEAD] + ([inbox.c.id.in_(row_ids)] if row_ids is not None else [])
        with self.database.transaction() as conn:
            revived = conn.execute(
                update(inbox)
                .where(*dead)
                .values(status=PENDING, run_at=now, deadline=deadline, crashes=0, lease_owner=None, updated_at=now)
            )
            return self.database.planned(conn, revived.rowcount)

    def purge_done(self, before: float) -> int:
        """Delete finished rows last touched before `before`; dead rows are kept."""
        with self.database.transaction() as conn:
            gone = conn.execute(delete(inbox).where(inbox.c.status == DONE, inbox.c.updated_at < before))
        return gone.rowcount
