"""Claiming: the next due row whose ticket no worker holds, with the due rows that go with it, leased at once."""

from typing import Any

from sqlalchemy import Select, and_, case, exists, or_, select, update
from sqlalchemy.engine import Connection, RowMapping

from ..core.kinds import BATCHED
from .rows import OPEN, InboxRow, finish, row_of
from .schema import DEAD, PENDING, RUNNING, inbox

# A row whose worker died this many times while handling it is poison: it is buried.
CRASH_LIMIT = 5
BATCH = 100  # timer rows of up to this many tickets are claimed together


def claim(conn: Connection, owner: str, now: float, lease_seconds: float, lock_rows: bool) -> list[InboxRow]:
    """Lease the next due row plus the due rows that can go with it (Inbox.claim says which), inside `conn`.

    `lock_rows`: skip the rows another claimer has locked (PostgreSQL; SQLite's writers queue instead).
    """
    while True:
        head = conn.execute(next_due(now, lock_rows)).mappings().first()
        if head is None:
            return []
        crashed = head["status"] == RUNNING
        if not crashed or head["crashes"] + 1 < CRASH_LIMIT:
            break
        finish(
            conn,
            [head["id"]],
            None,
            now,
            status=DEAD,
            crashes=head["crashes"] + 1,
            last_error=f"its worker died {head['crashes'] + 1} times while handling it (poison?)",
        )
    ids = [head["id"], *conn.execute(_companions(head, now, lock_rows)).scalars()]
    # One statement leases the rows, counts the crash and returns them: each round trip to
    # the database is a wait a loaded machine stretches.
    crashes = (
        case((inbox.c.id == head["id"], inbox.c.crashes + 1), else_=inbox.c.crashes) if crashed else inbox.c.crashes
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
    return sorted((row_of(r) for r in rows), key=lambda row: row.id)


def _companions(head: RowMapping, now: float, lock_rows: bool) -> Select[tuple[int]]:
    """The ids of the due rows that go with the head: of its kind for up to BATCH tickets when the kind is
    batched (one read re-checks them all), else its ticket's rows of its kind (one fresh read covers them)."""
    if head["kind"] in BATCHED:
        return (
            next_due(now, lock_rows, head["kind"], BATCH)
            .with_only_columns(inbox.c.id)
            .where(inbox.c.id != head["id"], inbox.c.status == PENDING)
        )
    return select(inbox.c.id).where(
        inbox.c.ticket_id == head["ticket_id"],
        inbox.c.kind == head["kind"],
        inbox.c.id > head["id"],
        inbox.c.status == PENDING,
        inbox.c.run_at <= now,
    )


def next_due(now: float, lock_rows: bool, kind: str | None = None, limit: int = 1) -> Select[Any]:
    """The due rows (of `kind`) whose ticket no worker holds and that no older due row of theirs precedes."""
    other = inbox.alias("other")
    in_hand = and_(other.c.status == RUNNING, other.c.run_at > now)  # a live lease
    due = and_(other.c.status.in_(OPEN), other.c.run_at <= now)
    blocked = exists().where(
        other.c.ticket_id == inbox.c.ticket_id,
        other.c.id != inbox.c.id,
        or_(in_hand, and_(due, other.c.id < inbox.c.id)),
    )
    query = select(inbox).where(inbox.c.status.in_(OPEN), inbox.c.run_at <= now, ~blocked)
    if kind is not None:
        query = query.where(inbox.c.kind == kind)
    query = query.order_by(inbox.c.run_at, inbox.c.id).limit(limit)
    return query.with_for_update(skip_locked=True) if lock_rows else query
