"""The inbox on SQLite and (with TEST_DATABASE_URL) PostgreSQL: accept, finish, retry, revive and purge rows."""

from support.databases import add_notification

from zendesk_escalator.store.claims import CRASH_LIMIT
from zendesk_escalator.store.schema import DEAD, DONE, PENDING


def test_accept_dedupes(any_inbox):
    assert add_notification(any_inbox, "event:a", 1) is True
    assert add_notification(any_inbox, "event:a", 1) is False
    assert any_inbox.counts()[PENDING] == 1


def test_supersede_finishes_the_plans_that_changed(any_inbox):
    rows = [
        {"kind": "timer", "dedupe_key": key, "ticket_id": ticket, "payload": {}, "run_at": 500.0}
        for key, ticket in (("t1-old", 1), ("t1-new", 1), ("t2", 2))
    ]
    any_inbox.schedule(rows, 90.0)
    assert any_inbox.supersede("timer", [1, 2], {"t1-new", "t2"}, 100.0) == 1
    assert {r.dedupe_key: r.status for r in any_inbox.rows()} == {"t1-old": DONE, "t1-new": PENDING, "t2": PENDING}


def test_expired_lease_is_reclaimed_and_old_owner_cannot_finish(any_inbox):
    add_notification(any_inbox, "a", 1)
    rows = any_inbox.claim("dead-worker", 101.0, 60)
    assert any_inbox.claim("w2", 150.0, 60) == []
    taken = any_inbox.claim("w2", 162.0, 60)
    assert [(r.dedupe_key, r.attempts) for r in taken] == [("a", 2)]
    assert any_inbox.complete(rows, "dead-worker", 163.0, {"status": "x"}) is False
    assert any_inbox.renew(rows, "dead-worker", 163.0, 60) is False
    assert any_inbox.complete(taken, "w2", 163.0, {"status": "escalated"}) is True
    assert any_inbox.rows(DONE)[0].result == {"status": "escalated"}


def test_renew_extends_the_lease(any_inbox):
    add_notification(any_inbox, "a", 1)
    rows = any_inbox.claim("w1", 101.0, 60)
    assert any_inbox.renew(rows, "w1", 150.0, 60)
    assert any_inbox.claim("w2", 170.0, 60) == []


def test_hand_back_makes_rows_due_at_once_without_counting_the_attempt(any_inbox):
    add_notification(any_inbox, "a", 1), add_notification(any_inbox, "b", 1)
    rows = any_inbox.claim("stopping", 101.0, 60)
    assert any_inbox.release(rows, "stopping", 102.0)
    taken = any_inbox.claim("other", 102.0, 60)  # long before the lease would have expired
    assert [(r.dedupe_key, r.attempts, r.crashes) for r in taken] == [("a", 1, 0), ("b", 1, 0)]
    assert any_inbox.complete(rows, "stopping", 103.0, {}) is False  # the old owner cannot finish them
    assert any_inbox.release(rows, "stopping", 103.0) is False


def test_wake_makes_rows_held_back_by_an_outage_due(any_inbox):
    add_notification(any_inbox, "a", 1), add_notification(any_inbox, "b", 2), add_notification(any_inbox, "c", 3)
    for row, error in zip(
        [any_inbox.claim("w", 101.0, 60)[0] for _ in range(3)],
        ["ZendeskUnavailable: 503", "ZendeskRateLimited: 429", "ZendeskUnavailable: timeout"],
    ):
        any_inbox.retry([row], "w", 101.0, 400.0, 9999.0, error)
    assert any_inbox.wake(150.0, "ZendeskUnavailable") == 2
    assert sorted(r.ticket_id for r in any_inbox.rows(PENDING) if r.run_at == 150.0) == [1, 3]
    assert any_inbox.rows()[1].deadline == 9999.0


def test_purge_keeps_dead_and_recent_rows(any_inbox):
    for key in "abc":
        add_notification(any_inbox, key, ord(key))
    (a,) = any_inbox.claim("w", 101.0, 60)
    (b,) = any_inbox.claim("w", 101.0, 60)
    any_inbox.complete([a], "w", 102.0, {})
    any_inbox.bury([b], "w", 102.0, "bad")
    assert any_inbox.purge_done(before=103.0) == 1
    assert any_inbox.counts() == {PENDING: 1, "running": 0, DONE: 0, DEAD: 1}
    assert add_notification(any_inbox, "a", 97) is True  # purged keys are forgotten


def test_revive_queues_dead_rows_again_with_their_history(any_inbox):
    add_notification(any_inbox, "a", 1), add_notification(any_inbox, "b", 2), add_notification(any_inbox, "c", 3)
    for owner in ("w1", "w2"):
        any_inbox.bury(any_inbox.claim(owner, 101.0, 60), owner, 102.0, "ZendeskRejected: 422")
    assert any_inbox.revive([any_inbox.rows(DEAD)[0].id], 200.0, deadline=500.0) == 1
    (row,) = any_inbox.rows(PENDING, row_id=1)
    assert (row.run_at, row.deadline, row.attempts, row.last_error, row.lease_owner) == (
        200.0,
        500.0,
        1,
        "ZendeskRejected: 422",
        None,
    )
    claimed = [r.dedupe_key for _ in range(2) for r in any_inbox.claim("w3", 200.0, 60)]
    assert sorted(claimed) == ["a", "c"]
    assert any_inbox.revive([3], 200.0, 500.0) == 0  # running, not dead: left alone
    assert any_inbox.revive(None, 201.0, 501.0) == 1  # every dead row: "b"
    assert any_inbox.rows(DEAD) == []


def test_a_revived_poison_row_gets_a_fresh_crash_count(any_inbox):
    add_notification(any_inbox, "a", 1)
    for n in range(CRASH_LIMIT):
        any_inbox.claim(f"w{n}", 100.0 + 100 * n, 60)
    assert any_inbox.claim("w", 100.0 + 100 * CRASH_LIMIT, 60) == [] and any_inbox.rows(DEAD)
    any_inbox.revive(None, 1000.0, 2000.0)
    (row,) = any_inbox.claim("w", 1000.0, 60)
    assert row.crashes == 0 and "its worker died" in row.last_error


def test_oldest_due_is_the_longest_waiting_open_row_that_is_due(any_inbox):
    assert any_inbox.oldest_due(1000.0) is None
    add_notification(any_inbox, "later", 1, now=100.0, run_at=2000.0)  # not due yet
    add_notification(any_inbox, "due", 2, now=300.0)
    add_notification(any_inbox, "done", 3, now=50.0)
    any_inbox.complete(any_inbox.claim("w1", 60.0, 60), "w1", 61.0, {})
    assert any_inbox.oldest_due(1000.0) == 300.0
    any_inbox.claim("w2", 400.0, 60)  # "due" is leased until 460 …
    assert any_inbox.oldest_due(450.0) is None
    assert any_inbox.oldest_due(1000.0) == 460.0  # … and due again once its lease has run out
