"""Planning rows (timers, jobs, notices): insert those not stored yet, plan again those a changed plan superseded."""

import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from .handle import Database
from .rows import SUPERSEDED
from .schema import DONE, PENDING, inbox


def schedule_in(database: Database, conn: Connection, rows: list[dict[str, Any]], now: float) -> int:
    """Plan rows inside a transaction of `database`'s (written with what they follow from: an episode's step);
    the workers hear of them once it commits. Return how many were new."""
    return database.planned(conn, plan(conn, rows, now, database.is_postgres)) if rows else 0


def plan(conn: Connection, rows: list[dict[str, Any]], now: float, is_postgres: bool) -> int:
    """Store these rows (kind, dedupe_key, ticket_id, payload, run_at) inside `conn`; return how many are new."""
    values = [
        dict(row, payload=json.dumps(row["payload"]), status=PENDING, attempts=0, created_at=now, updated_at=now)
        for row in rows
    ]
    insert = (postgresql if is_postgres else sqlite).insert(inbox)
    # Counted from RETURNING: a rowcount of several rows' insert is -1 on PostgreSQL (psycopg's executemany).
    insert = insert.on_conflict_do_nothing(index_elements=[inbox.c.dedupe_key]).returning(inbox.c.id)
    new = len(conn.execute(insert, values).all())
    return new + (_revive(conn, values, now) if new < len(values) else 0)


def _revive(conn: Connection, values: list[dict[str, Any]], now: float) -> int:
    """Plan again the rows among these that were superseded (a row that ran never runs twice)."""
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
