"""Inbox rows as the worker sees them, the update that ends a lease, the queue's depth."""

from sqlalchemy import select
from support.databases import add_notification

from zendesk_escalator.store.rows import InboxRow, finish, oldest_due, row_of, status_counts
from zendesk_escalator.store.schema import DEAD, DONE, PENDING, RUNNING, inbox


def test_a_row_is_read_with_its_payload_and_result_decoded(any_inbox):
    add_notification(any_inbox, "a", 7)
    with any_inbox.database.reading() as conn:
        (row,) = [row_of(r) for r in conn.execute(select(inbox)).mappings()]
    assert (row.kind, row.dedupe_key, row.ticket_id, row.payload) == (
        "notification",
        "a",
        7,
        {"ticket_id": 7, "key": "a"},
    )
    assert (row.status, row.attempts, row.run_at, row.result, row.lease_owner, row.crashes) == (
        PENDING,
        0,
        100.0,
        None,
        None,
        0,
    )
    (claimed,) = any_inbox.claim("w", 101.0, 60)
    any_inbox.complete([claimed], "w", 102.0, {"status": "no_action"})
    assert any_inbox.rows()[0].result == {"status": "no_action"}


def test_finish_ends_only_the_lease_its_owner_holds(any_inbox):
    add_notification(any_inbox, "a", 7)
    rows: list[InboxRow] = any_inbox.claim("w1", 101.0, 60)
    with any_inbox.database.transaction() as conn:
        assert finish(conn, [r.id for r in rows], "w2", 102.0, status=DONE) is False  # not w2's
        assert finish(conn, [r.id for r in rows], "w1", 102.0, status=DONE) is True
        assert finish(conn, [r.id for r in rows], "w1", 103.0, status=DEAD) is False  # ended already
    assert (any_inbox.rows()[0].status, any_inbox.rows()[0].lease_owner, any_inbox.rows()[0].updated_at) == (
        DONE,
        None,
        102.0,
    )
    with any_inbox.database.transaction() as conn:
        assert finish(conn, [r.id for r in rows], None, 104.0, status=DEAD) is True  # None: whoever holds it


def test_the_depth_names_every_status_and_the_oldest_due_row(any_inbox):
    with any_inbox.database.reading() as conn:
        assert status_counts(conn) == {PENDING: 0, RUNNING: 0, DONE: 0, DEAD: 0}
        assert oldest_due(conn, 1000.0) is None
    add_notification(any_inbox, "a", 1, now=300.0)
    add_notification(any_inbox, "b", 2, now=200.0)
    add_notification(any_inbox, "c", 3, now=100.0, run_at=2000.0)
    any_inbox.claim("w", 250.0, 60)  # "b", leased until 310
    with any_inbox.database.reading() as conn:
        assert status_counts(conn) == {PENDING: 2, RUNNING: 1, DONE: 0, DEAD: 0}
        assert (oldest_due(conn, 305.0), oldest_due(conn, 1000.0)) == (300.0, 300.0)
        assert oldest_due(conn, 299.0) is None
