"""Claiming on SQLite and (with TEST_DATABASE_URL) PostgreSQL: which rows go together, the order kept per ticket,
leases that run out, poison rows."""

import threading

from support.databases import add_notification, open_inbox

from zendesk_escalator.store.claims import CRASH_LIMIT
from zendesk_escalator.store.schema import DEAD, RUNNING


def test_claim_coalesces_one_ticket_and_leaves_others(any_inbox):
    add_notification(any_inbox, "a", 1), add_notification(any_inbox, "b", 1), add_notification(any_inbox, "c", 2)
    first = any_inbox.claim("w1", 101.0, 60)
    assert [(r.dedupe_key, r.attempts) for r in first] == [("a", 1), ("b", 1)]
    second = any_inbox.claim("w2", 101.0, 60)
    assert [r.dedupe_key for r in second] == ["c"]
    assert any_inbox.claim("w3", 101.0, 60) == []


def test_one_ticket_never_runs_twice_and_keeps_order(any_inbox):
    add_notification(any_inbox, "a", 1)
    assert [r.dedupe_key for r in any_inbox.claim("w1", 101.0, 60)] == ["a"]
    add_notification(any_inbox, "b", 1, now=102.0)  # arrives while "a" is being processed
    assert any_inbox.claim("w2", 103.0, 60) == []


def test_a_row_not_yet_due_holds_back_nothing_but_a_due_older_row_goes_first(any_inbox):
    add_notification(any_inbox, "a", 1)
    rows = any_inbox.claim("w1", 101.0, 60)
    assert any_inbox.retry(rows, "w1", 102.0, 132.0, 9999.0, "ZendeskUnavailable: 503")
    add_notification(any_inbox, "t", 1, now=103.0, run_at=5000.0)  # a timer for much later
    add_notification(any_inbox, "b", 1, now=104.0)
    assert [r.dedupe_key for r in any_inbox.claim("w1", 110.0, 60)] == ["b"]  # not held back by "a" nor "t"
    any_inbox.complete(any_inbox.rows(RUNNING), "w1", 111.0, {})
    add_notification(any_inbox, "c", 1, now=120.0)
    again = any_inbox.claim("w1", 133.0, 60)  # "a" is due again and older than "c": it goes first
    assert [(r.dedupe_key, r.attempts, r.last_error) for r in again] == [
        ("a", 2, "ZendeskUnavailable: 503"),
        ("c", 1, None),
    ]


def test_timers_of_many_tickets_are_claimed_together_but_never_beside_a_ticket_in_hand(any_inbox):
    add_notification(any_inbox, "note-2", 2, now=95.0, run_at=95.0)
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


def test_timer_rows_wait_for_run_at(any_inbox):
    add_notification(any_inbox, "t", 1, run_at=500.0)
    assert any_inbox.claim("w", 499.0, 60) == []
    assert any_inbox.claim("w", 500.0, 60)


def test_a_row_whose_worker_keeps_dying_is_buried_as_poison(any_inbox):
    add_notification(any_inbox, "a", 1)
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
    add_notification(any_inbox, "a", 1)
    now = 101.0
    for _ in range(CRASH_LIMIT + 2):
        rows = any_inbox.claim("w", now, 10)
        assert any_inbox.retry(rows, "w", now, now + 1, now + 9999, "ZendeskUnavailable: 503")
        now += 2
    assert any_inbox.rows()[0].crashes == 0 and any_inbox.counts()[DEAD] == 0


def test_concurrent_claimers_never_share_a_row(any_inbox):
    for i in range(60):
        add_notification(any_inbox, f"k{i}", i % 20)
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
