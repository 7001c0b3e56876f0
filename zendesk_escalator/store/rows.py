"""An inbox row as the worker sees it, the update that ends a lease on rows, and the queue's depth as read by the
inbox and the overview."""

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, select, update
from sqlalchemy.engine import Connection, RowMapping

from .schema import DEAD, DONE, PENDING, RUNNING, inbox

# Matches the partial indexes.
OPEN: list[ColumnElement[Any]] = [literal_column(f"'{status}'") for status in (PENDING, RUNNING)]
SUPERSEDED = json.dumps({"status": "superseded"})  # the result of a timer whose plan changed before it ran
# What Inbox.accept() writes; the other columns start empty (or at their defaults).
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


@dataclass(frozen=True)
class InboxRow:
    """One accepted notification (or timer) as the worker sees it."""

    id: int
    kind: str
    dedupe_key: str
    ticket_id: int
    payload: dict[str, Any]
    status: str
    attempts: int
    run_at: float
    created_at: float = 0.0
    updated_at: float = 0.0
    lease_owner: str | None = None
    last_error: str | None = None
    result: dict[str, Any] | None = None
    deadline: float | None = None
    crashes: int = 0


def row_of(r: RowMapping) -> InboxRow:
    """The row a query's mapping holds (payload and result decoded)."""
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


def owned(rows: list[InboxRow], owner: str) -> tuple[ColumnElement[bool], ...]:
    """The conditions of rows still leased by `owner`."""
    return inbox.c.id.in_([r.id for r in rows]), inbox.c.lease_owner == owner, inbox.c.status == RUNNING


def finish(conn: Connection, ids: list[int], owner: str | None, now: float, **values: Any) -> bool:
    """End the lease on these rows with `values` (only while `owner` holds it, unless None); False when lost."""
    conditions: list[ColumnElement[bool]] = [inbox.c.id.in_(ids)]
    if owner is not None:
        conditions += [inbox.c.lease_owner == owner, inbox.c.status == RUNNING]
    done = conn.execute(update(inbox).where(*conditions).values(lease_owner=None, updated_at=now, **values))
    return done.rowcount == len(ids)


def status_counts(conn: Connection) -> dict[str, int]:
    """Rows per status (every status named, 0 when none is in it)."""
    found = conn.execute(select(inbox.c.status, func.count()).group_by(inbox.c.status))
    return {PENDING: 0, RUNNING: 0, DONE: 0, DEAD: 0, **{status: count for status, count in found}}


def oldest_due(conn: Connection, now: float) -> float | None:
    """When the longest-waiting due row (pending, or running past its lease) fell due; None when none is."""
    found: float | None = conn.execute(
        select(func.min(inbox.c.run_at)).where(inbox.c.status.in_(OPEN), inbox.c.run_at <= now)
    ).scalar()
    return found
