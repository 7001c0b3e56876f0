"""The dashboard's and /metrics' reads: pending timers of the open escalations, recent decisions, retries,
openings per day, pending rows by kind."""

import json
from datetime import datetime

from sqlalchemy import func, select, text

from ..core.kinds import MOMENTS
from ..core.lifecycle.episode import CLOSED
from ..core.reporting.dashboard_facts import Dead, Decided, InboxHealth, Moment
from .handle import Database
from .rows import oldest_due, status_counts
from .schema import DEAD, DONE, OPEN_STATUSES_SQL, PENDING, escalations, inbox

# Outcomes are stored by json.dumps with its default separators; only decisions carry a rule
# (a "rule" inside a string would be escaped as \"rule\" and not match).
HAS_RULE = '%"rule": %'


class Overview:
    """Read-only queries for the dashboard, bounded so that a large inbox stays cheap to show."""

    def __init__(self, database: Database):
        self.database = database

    def moments(self, ticket_ids: list[int]) -> list[Moment]:
        """The open timer rows (SLA and lifecycle) of these tickets."""
        if not ticket_ids:
            return []
        # Spelled like the partial index on open rows, so that the database can use it.
        query = select(inbox.c.ticket_id, inbox.c.kind, inbox.c.payload).where(
            text(OPEN_STATUSES_SQL), inbox.c.kind.in_(MOMENTS), inbox.c.ticket_id.in_(ticket_ids)
        )
        with self.database.reading() as conn:
            return [Moment(row.ticket_id, row.kind, json.loads(row.payload)) for row in conn.execute(query)]

    def decisions(self, limit: int = 25) -> list[Decided]:
        """The newest finished rows whose outcome names a rule, newest first."""
        query = (
            select(inbox.c.ticket_id, inbox.c.kind, inbox.c.updated_at, inbox.c.result)
            .where(inbox.c.status == DONE, inbox.c.result.like(HAS_RULE))
            .order_by(inbox.c.updated_at.desc(), inbox.c.id.desc())
            .limit(limit)
        )
        with self.database.reading() as conn:
            return [
                Decided(row.ticket_id, row.kind, row.updated_at, json.loads(row.result)) for row in conn.execute(query)
            ]

    def dead(self, limit: int = 50) -> list[Dead]:
        """The newest dead rows, newest first (the finished-rows index: status, updated_at)."""
        query = (
            select(inbox.c.id, inbox.c.ticket_id, inbox.c.kind, inbox.c.last_error, inbox.c.updated_at)
            .where(inbox.c.status == DEAD)
            .order_by(inbox.c.updated_at.desc(), inbox.c.id.desc())
            .limit(limit)
        )
        with self.database.reading() as conn:
            return [
                Dead(row.id, row.ticket_id, row.kind, row.last_error or "", row.updated_at)
                for row in conn.execute(query)
            ]

    def health(self, now: float) -> InboxHealth:
        """Rows by status, pending rows that failed before (retrying), and the oldest due moment."""
        with self.database.reading() as conn:
            retrying = conn.execute(
                select(func.count())
                .select_from(inbox)
                .where(inbox.c.status == PENDING, inbox.c.last_error.is_not(None))
            ).scalar_one()
        # One short read per figure (the queue's own reads, rows.py): none holds a snapshot for the others.
        with self.database.reading() as conn:
            counts = status_counts(conn)
        with self.database.reading() as conn:
            oldest = oldest_due(conn, now)
        return InboxHealth(counts, retrying, oldest)

    def pending_by_kind(self) -> dict[str, int]:
        """Pending rows by kind: webhooks waiting, SLA and lifecycle timers set, jobs scheduled."""
        query = select(inbox.c.kind, func.count()).where(inbox.c.status == PENDING).group_by(inbox.c.kind)
        with self.database.reading() as conn:
            return dict(conn.execute(query).all())

    def open_by_state_and_level(self) -> dict[tuple[str, str], int]:
        """Open escalation episodes by (state, level) (metrics)."""
        query = (
            select(escalations.c.state, escalations.c.level, func.count())
            .where(escalations.c.state != CLOSED)
            .group_by(escalations.c.state, escalations.c.level)
        )
        with self.database.reading() as conn:
            return {(state, str(level)): count for state, level, count in conn.execute(query)}

    def opened_since(self, since: datetime) -> list[tuple[float, str]]:
        """(opened at, reason) of the episodes opened since a moment."""
        query = select(escalations.c.opened_at, escalations.c.reason).where(
            escalations.c.opened_at >= since.timestamp()
        )
        with self.database.reading() as conn:
            return [(row.opened_at, row.reason) for row in conn.execute(query)]
