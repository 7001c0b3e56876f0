"""`escalator dead-letters`: list, show and retry the inbox rows that failed for good."""

import json
from datetime import datetime, timezone

from ..errors import EscalatorError
from ..store.inbox import Inbox
from ..store.rows import InboxRow
from ..store.schema import DEAD

ERROR_WIDTH = 90  # the list shows the start of each error; `show` shows all of it


def dead_letters(inbox: Inbox, action: str, row_id: int | None, now: datetime, retry_budget: float) -> int:
    """Run one action: list, show ROW, retry ROW, or retry every dead row (row_id None)."""
    inbox.database.migrate()  # a fresh database has no table yet; an old one may lack columns
    if action == "list":
        return list_dead(inbox)
    if action == "show":
        assert row_id is not None  # cli_arguments requires a row id for show
        return show(inbox, row_id)
    return retry(inbox, row_id, now.timestamp(), retry_budget)


def list_dead(inbox: Inbox) -> int:
    """Print one line per dead row, oldest first."""
    rows = inbox.rows(DEAD)
    if not rows:
        print("No dead rows.")
        return 0
    print(f"{'id':>6}  {'ticket':>10}  {'kind':<12}  {'attempts':>8}  {'dead since (UTC)':<19}  last error")
    for row in rows:
        error = " ".join((row.last_error or "").split())
        error = error if len(error) <= ERROR_WIDTH else error[: ERROR_WIDTH - 1] + "…"
        print(f"{row.id:>6}  {row.ticket_id:>10}  {row.kind:<12}  {row.attempts:>8}  {_when(row.updated_at)}  {error}")
    print(
        f"{len(rows)} dead row(s); `escalator dead-letters show ID` for one, `retry ID` or `retry --all` "
        f"to queue them again."
    )
    return 0


def show(inbox: Inbox, row_id: int) -> int:
    """Print one row: what arrived, what was concluded, and the error."""
    row = _one(inbox, row_id)
    print(
        json.dumps(
            {
                "id": row.id,
                "status": row.status,
                "kind": row.kind,
                "ticket_id": row.ticket_id,
                "dedupe_key": row.dedupe_key,
                "attempts": row.attempts,
                "crashes": row.crashes,
                "created_at": _when(row.created_at),
                "updated_at": _when(row.updated_at),
                "retry_deadline": _when(row.deadline) if row.deadline else None,
                "payload": row.payload,
                "result": row.result,
                "last_error": row.last_error,
            },
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0


def retry(inbox: Inbox, row_id: int | None, now: float, retry_budget: float) -> int:
    """Queue one dead row (or all) again: due now, retried for a fresh budget."""
    deadline = now + retry_budget
    status = _one(inbox, row_id).status if row_id is not None else DEAD
    if status != DEAD:
        raise EscalatorError(f"row {row_id} is not dead (it is {status}): nothing to retry")
    revived = inbox.revive(None if row_id is None else [row_id], now, deadline)
    if not revived:
        print("No dead rows.")
        return 0
    print(
        f"{revived} row(s) queued again, due now; retried until {_when(deadline)} UTC if they fail again. "
        f"Their last error is kept until they succeed."
    )
    return 0


def _one(inbox: Inbox, row_id: int) -> InboxRow:
    found = inbox.rows(row_id=row_id)
    if not found:
        raise EscalatorError(f"no inbox row {row_id}")
    return found[0]


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
