"""The inbox on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

import threading

import pytest
from conftest import drop_everything
from support.databases import open_inbox

from zendesk_escalator.errors import StorageUnavailable
from zendesk_escalator.store.claims import CRASH_LIMIT
from zendesk_escalator.store.schema import DEAD, DONE, PENDING, RUNNING


def add(inbox, key, ticket, now=100.0, **kw):
    return inbox.accept("notification", key, ticket, {"ticket_id": ticket, "key": key}, now, **kw)


def test_accept_dedupes(any_inbox):
    assert add(any_inbox, "event:a", 1) is True
    assert add(any_inbox, "event:a", 1) is False
    assert any_inbox.counts()[PENDING] == 1


def test_claim_coalesces_one_ticket_and_leaves_others(any_inbox):
    add(any_inbox, "a", 1), add(any_inbox, "b", 1), add(any_inbox, "c", 2)
    first = any_inbox.claim("w1", 101.0, 60)
    assert [(r.dedupe_key, r.attempts) for r in first] == [("a", 1), ("b", 1)]
    second = any_inbox.claim("w2", 101.0, 60)
    assert [r.dedupe_key for r in second] == ["c"]
    assert any_inbox.claim("w3", 101.0, 60) == []


def test_one_ticket_never_runs_twice_and_keeps_order(any_inbox):
    add(any_inbox, "a", 1)
    assert [r.dedupe_key for r in any_inbox.claim("w1", 101.0, 60)] == ["a"]
    add(any_inbox, "b", 1, now=102.0)  # arrives while "a" is being processed
    assert any_inbox.claim("w2", 103.0, 60) == []


def test_a_row_not_yet_due_holds_back_nothing_but_a_due_older_row_goes_first(any_inbox):
    add(any_inbox, "a", 1)
    rows = any_inbox.claim("w1", 101.0, 60)
    assert any_inbox.retry(rows, "w1", 102.0, 132.0, 9999.0, "ZendeskUnavailable: 503")
    add(any_inbox, "t", 1, now=103.0, run_at=5000.0)  # a timer for much later
    add(any_inbox, "b", 1, now=104.0)
    assert [r.dedupe_key for r in any_inbox.claim("w1", 110.0, 60)] == ["b"]  # not held back by "a" nor "t"
    any_inbox.complete(any_inbox.rows(RUNNING), "w1", 111.0, {})
    add(any_inbox, "c", 1, now=120.0)
    again = any_inbox.claim("w1", 133.0, 60)  # "a" is due again and older than "c": it goes first
    assert [(r.dedupe_key, r.attempts, r.last_error) for r in again] == [
        ("a", 2, "ZendeskUnavailable: 503"),
        ("c", 1, None),
    ]


def test_timers_of_many_tickets_are_claimed_together_but_never_beside_a_ticket_in_hand(any_inbox):
    add(any_inbox, "note-2", 2, now=95.0, run_at=95.0)
    assert [r.dedupe_key for r in any_inbox.claim("w1", 96.0, 60)] == ["note-2"]  # ticket 2 in w1's hands
    for ticket in (1, 2, 3):
        any_inbox.schedule(
            [
                {
                    "kind": "timer",
                    "dedupe_key": f"timer:{ticket}",
                    "ticket_id": ticket,
                    "payload": {"n": ticket},
                    "run_at": 100.0,
                }
            ],
            97.0,
        )
    timers = any_inbox.claim("w2", 101.0, 60)
    assert sorted(r.dedupe_key for r in timers) == ["timer:1", "timer:3"]  # ticket 2 is in w1's hands
    assert (
        any_inbox.schedule(
            [{"kind": "timer", "dedupe_key": "timer:1", "ticket_id": 1, "payload": {}, "run_at": 1.0}], 102.0
        )
        == 0
    )  # a key is stored once


def test_supersede_finishes_the_plans_that_changed(any_inbox):
    rows = [
        {"kind": "timer", "dedupe_key": key, "ticket_id": ticket, "payload": {}, "run_at": 500.0}
        for key, ticket in (("t1-old", 1), ("t1-new", 1), ("t2", 2))
    ]
    any_inbox.schedule(rows, 90.0)
    assert any_inbox.supersede("timer", [1, 2], {"t1-new", "t2"}, 100.0) == 1
    assert {r.dedupe_key: r.status for r in any_inbox.rows()} == {"t1-old": DONE, "t1-new": PENDING, "t2": PENDING}


def test_a_superseded_plan_planned_again_is_due_again_but_a_row_that_ran_never_is(any_inbox):
    def plan(key, run_at, now):
        return any_inbox.schedule(
            [{"kind": "timer", "dedupe_key": key, "ticket_id": 1, "payload": {"at": run_at}, "run_at": run_at}], now
        )

    plan("t1-a", 500.0, 90.0)
    any_inbox.supersede("timer", [1], set(), 100.0)
    assert plan("t1-a", 510.0, 110.0) == 1  # the plan came back: pending again, with the new payload
    row = any_inbox.rows(PENDING)[0]
    assert (row.dedupe_key, row.payload, row.run_at, row.result) == ("t1-a", {"at": 510.0}, 510.0, None)
    ran = any_inbox.claim("w1", 520.0, 60)
    any_inbox.complete(ran, "w1", 521.0, {"status": "escalated"})
    assert plan("t1-a", 530.0, 530.0) == 0 and any_inbox.rows(PENDING) == []


def test_expired_lease_is_reclaimed_and_old_owner_cannot_finish(any_inbox):
    add(any_inbox, "a", 1)
    rows = any_inbox.claim("dead-worker", 101.0, 60)
    assert any_inbox.claim("w2", 150.0, 60) == []
    taken = any_inbox.claim("w2", 162.0, 60)
    assert [(r.dedupe_key, r.attempts) for r in taken] == [("a", 2)]
    assert any_inbox.complete(rows, "dead-worker", 163.0, {"status": "x"}) is False
    assert any_inbox.renew(rows, "dead-worker", 163.0, 60) is False
    assert any_inbox.complete(taken, "w2", 163.0, {"status": "escalated"}) is True
    assert any_inbox.rows(DONE)[0].result == {"status": "escalated"}


def test_renew_extends_the_lease(any_inbox):
    add(any_inbox, "a", 1)
    rows = any_inbox.claim("w1", 101.0, 60)
    assert any_inbox.renew(rows, "w1", 150.0, 60)
    assert any_inbox.claim("w2", 170.0, 60) == []


def test_a_row_whose_worker_keeps_dying_is_buried_as_poison(any_inbox):
    add(any_inbox, "a", 1)
    now = 101.0
    for crashes in range(CRASH_LIMIT):
        rows = any_inbox.claim("w", now, 10)
        assert rows and rows[0].crashes == crashes
        now += 11  # worker "killed": lease expires
    assert any_inbox.claim("w", now, 10) == []
    (dead,) = any_inbox.rows(DEAD)
    assert (dead.dedupe_key, dead.attempts, dead.crashes) == ("a", CRASH_LIMIT, CRASH_LIMIT)
    assert f"died {CRASH_LIMIT} times" in dead.last_error


def test_failures_that_were_handled_are_not_crashes(any_inbox):
    add(any_inbox, "a", 1)
    now = 101.0
    for _ in range(CRASH_LIMIT + 2):
        rows = any_inbox.claim("w", now, 10)
        assert any_inbox.retry(rows, "w", now, now + 1, now + 9999, "ZendeskUnavailable: 503")
        now += 2
    assert any_inbox.rows()[0].crashes == 0 and any_inbox.counts()[DEAD] == 0


def test_hand_back_makes_rows_due_at_once_without_counting_the_attempt(any_inbox):
    add(any_inbox, "a", 1), add(any_inbox, "b", 1)
    rows = any_inbox.claim("stopping", 101.0, 60)
    assert any_inbox.release(rows, "stopping", 102.0)
    taken = any_inbox.claim("other", 102.0, 60)  # long before the lease would have expired
    assert [(r.dedupe_key, r.attempts, r.crashes) for r in taken] == [("a", 1, 0), ("b", 1, 0)]
    assert any_inbox.complete(rows, "stopping", 103.0, {}) is False  # the old owner cannot finish them
    assert any_inbox.release(rows, "stopping", 103.0) is False


def test_wake_makes_rows_held_back_by_an_outage_due(any_inbox):
    add(any_inbox, "a", 1), add(any_inbox, "b", 2), add(any_inbox, "c", 3)
    for row, error in zip(
        [any_inbox.claim("w", 101.0, 60)[0] for _ in range(3)],
        ["ZendeskUnavailable: 503", "ZendeskRateLimited: 429", "ZendeskUnavailable: timeout"],
    ):
        any_inbox.retry([row], "w", 101.0, 400.0, 9999.0, error)
    assert any_inbox.wake(150.0, "ZendeskUnavailable") == 2
    assert sorted(r.ticket_id for r in any_inbox.rows(PENDING) if r.run_at == 150.0) == [1, 3]
    assert any_inbox.rows()[1].deadline == 9999.0


def test_comment_marks_are_kept_with_the_completion(any_inbox):
    add(any_inbox, "a", 7)
    rows = any_inbox.claim("w", 101.0, 60)
    assert any_inbox.marks.get(7) is None
    assert any_inbox.complete(rows, "w", 102.0, {"status": "no_action"}, comment_mark=10004)
    assert any_inbox.marks.get(7) == 10004
    add(any_inbox, "b", 7)
    rows = any_inbox.claim("w", 103.0, 60)
    any_inbox.complete(rows, "w", 104.0, {}, comment_mark=10009)
    assert any_inbox.marks.get(7) == 10009
    add(any_inbox, "c", 7)
    late = any_inbox.claim("w", 105.0, 60)
    any_inbox.release(late, "w", 105.0)
    assert any_inbox.complete(late, "w", 106.0, {}, comment_mark=1) is False
    assert any_inbox.marks.get(7) == 10009  # a lost lease writes no mark


def test_timer_rows_wait_for_run_at(any_inbox):
    add(any_inbox, "t", 1, run_at=500.0)
    assert any_inbox.claim("w", 499.0, 60) == []
    assert any_inbox.claim("w", 500.0, 60)


def test_purge_keeps_dead_and_recent_rows(any_inbox):
    for key in "abc":
        add(any_inbox, key, ord(key))
    (a,) = any_inbox.claim("w", 101.0, 60)
    (b,) = any_inbox.claim("w", 101.0, 60)
    any_inbox.complete([a], "w", 102.0, {})
    any_inbox.bury([b], "w", 102.0, "bad")
    assert any_inbox.purge_done(before=103.0) == 1
    assert any_inbox.counts() == {PENDING: 1, "running": 0, DONE: 0, DEAD: 1}
    assert add(any_inbox, "a", 97) is True  # purged keys are forgotten


def test_revive_queues_dead_rows_again_with_their_history(any_inbox):
    add(any_inbox, "a", 1), add(any_inbox, "b", 2), add(any_inbox, "c", 3)
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
    add(any_inbox, "a", 1)
    for n in range(CRASH_LIMIT):
        any_inbox.claim(f"w{n}", 100.0 + 100 * n, 60)
    assert any_inbox.claim("w", 100.0 + 100 * CRASH_LIMIT, 60) == [] and any_inbox.rows(DEAD)
    any_inbox.revive(None, 1000.0, 2000.0)
    (row,) = any_inbox.claim("w", 1000.0, 60)
    assert row.crashes == 0 and "its worker died" in row.last_error


def test_concurrent_claimers_never_share_a_row(any_inbox):
    for i in range(60):
        add(any_inbox, f"k{i}", i % 20)
    claimed, lock = [], threading.Lock()

    def claimer(name):
        peer = open_inbox(str(any_inbox.database.engine.url.render_as_string(hide_password=False)))
        while rows := peer.claim(name, 101.0, 60):
            with lock:
                claimed.extend(r.dedupe_key for r in rows)
        peer.database.close()

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(f"k{i}" for i in range(60))


def test_processes_starting_together_migrate_the_schema_once(any_inbox):
    url = any_inbox.database.engine.url.render_as_string(hide_password=False)
    drop_everything(any_inbox.database)
    errors, peers = [], [open_inbox(url) for _ in range(6)]

    def start(peer):
        try:
            peer.database.migrate()
        except Exception as error:  # noqa: BLE001 - any failure is the finding
            errors.append(error)

    threads = [threading.Thread(target=start, args=(peer,)) for peer in peers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert add(peers[0], "a", 1)
    for peer in peers:
        peer.database.close()


def test_unreachable_database_raises_storage_unavailable(tmp_path):
    broken = open_inbox("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    with pytest.raises(StorageUnavailable):
        broken.accept("notification", "a", 1, {}, 1.0)
    with pytest.raises(StorageUnavailable):
        broken.database.ping()


def test_reads_do_not_wait_for_a_sqlite_writer(inbox):
    """/metrics and /readyz must answer while the worker holds SQLite's write lock."""
    import sqlite3

    add(inbox, "a", 1)
    writer = sqlite3.connect(inbox.database.engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as a worker transaction in progress
    answers = []
    reader = threading.Thread(
        target=lambda: answers.extend([inbox.counts()[PENDING], len(inbox.rows()), inbox.database.ping()])
    )
    reader.start()
    reader.join(timeout=2)
    waited = reader.is_alive()
    writer.rollback()
    reader.join()
    assert not waited
    assert answers == [1, 1, None]


def test_oldest_due_is_the_longest_waiting_open_row_that_is_due(any_inbox):
    assert any_inbox.oldest_due(1000.0) is None
    add(any_inbox, "later", 1, now=100.0, run_at=2000.0)  # not due yet
    add(any_inbox, "due", 2, now=300.0)
    add(any_inbox, "done", 3, now=50.0)
    any_inbox.complete(any_inbox.claim("w1", 60.0, 60), "w1", 61.0, {})
    assert any_inbox.oldest_due(1000.0) == 300.0
    any_inbox.claim("w2", 400.0, 60)  # "due" is leased until 460 …
    assert any_inbox.oldest_due(450.0) is None
    assert any_inbox.oldest_due(1000.0) == 460.0  # … and due again once its lease has run out
