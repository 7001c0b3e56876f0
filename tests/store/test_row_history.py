"""RowHistory on SQLite and (with TEST_DATABASE_URL) PostgreSQL: rows of a kind changed since a moment, or open."""

from zendesk_escalator.store.row_history import RowHistory
from zendesk_escalator.store.schema import DONE, PENDING

DAY = 24 * 3600.0
NOW = 1_795_000_000.0


def timer(key: str, ticket: int, run_at: float) -> dict:
    return {
        "kind": "timer",
        "dedupe_key": key,
        "ticket_id": ticket,
        "payload": {"kind": "sla_breach"},
        "run_at": run_at,
    }


def test_rows_changed_since_a_moment_and_rows_still_open_page_by_page(any_inbox):
    any_inbox.schedule([timer("old", 1, NOW - 9 * DAY)], NOW - 10 * DAY)  # done long ago
    any_inbox.schedule([timer("recent", 2, NOW - DAY)], NOW - 2 * DAY)  # done yesterday
    any_inbox.schedule([timer("waiting", 3, NOW + DAY)], NOW - 10 * DAY)  # pending since long ago
    any_inbox.schedule([timer(f"page-{n}", 10 + n, NOW - DAY) for n in range(5)], NOW - 2 * DAY)
    any_inbox.accept("notification", "webhook", 4, {"ticket_id": 4}, NOW - DAY)  # another kind
    for due in (NOW - 9 * DAY, NOW - DAY):
        rows = any_inbox.claim("w", due, 60)
        while rows:
            any_inbox.complete(rows, "w", due, {"status": "stale"})
            rows = any_inbox.claim("w", due, 60)
    history = RowHistory(any_inbox.database)
    pages = list(history.pages("timer", NOW - 3 * DAY, size=3))
    assert [[row.dedupe_key for row in page] for page in pages] == [
        ["recent", "waiting", "page-0"],
        ["page-1", "page-2", "page-3"],
        ["page-4"],
    ]
    assert history.count("timer", NOW - 3 * DAY) == 7
    assert {row.status for page in pages for row in page} == {DONE, PENDING}
    assert history.count("timer", NOW) == 1  # only the open one
