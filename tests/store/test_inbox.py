"""The inbox on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

import threading

import pytest

from zendesk_escalator.errors import StorageUnavailable
from zendesk_escalator.store.inbox import DEAD, DONE, PENDING, Inbox


def add(inbox, key, ticket, now=100.0, **kw):
    return inbox.accept("notification", key, ticket, {"ticket_id": ticket, "key": key}, now, **kw)


def test_accept_dedupes(any_inbox):
    assert add(any_inbox, "event:a", 1) is True
    assert add(any_inbox, "event:a", 1) is False
    assert any_inbox.counts()[PENDING] == 1


def test_claim_coalesces_one_ticket_and_leaves_others(any_inbox):
    add(any_inbox, "a", 1), add(any_inbox, "b", 1), add(any_inbox, "c", 2)
    first = any_inbox.claim("w1", 101.0, 60, 5)
    assert [(r.dedupe_key, r.attempts) for r in first] == [("a", 1), ("b", 1)]
    second = any_inbox.claim("w2", 101.0, 60, 5)
    assert [r.dedupe_key for r in second] == ["c"]
    assert any_inbox.claim("w3", 101.0, 60, 5) == []


def test_one_ticket_never_runs_twice_and_keeps_order(any_inbox):
    add(any_inbox, "a", 1)
    assert [r.dedupe_key for r in any_inbox.claim("w1", 101.0, 60, 5)] == ["a"]
    add(any_inbox, "b", 1, now=102.0)  # arrives while "a" is being processed
    assert any_inbox.claim("w2", 103.0, 60, 5) == []


def test_backoff_blocks_later_rows_of_the_same_ticket(any_inbox):
    add(any_inbox, "a", 1)
    rows = any_inbox.claim("w1", 101.0, 60, 5)
    assert any_inbox.retry(rows, "w1", 102.0, 30.0, "ZendeskUnavailable: 503")
    add(any_inbox, "b", 1, now=103.0)
    assert any_inbox.claim("w1", 110.0, 60, 5) == []
    again = any_inbox.claim("w1", 133.0, 60, 5)
    assert [(r.dedupe_key, r.attempts, r.last_error) for r in again] == [
        ("a", 2, "ZendeskUnavailable: 503"), ("b", 1, None)]


def test_expired_lease_is_reclaimed_and_old_owner_cannot_finish(any_inbox):
    add(any_inbox, "a", 1)
    rows = any_inbox.claim("dead-worker", 101.0, 60, 5)
    assert any_inbox.claim("w2", 150.0, 60, 5) == []
    taken = any_inbox.claim("w2", 162.0, 60, 5)
    assert [(r.dedupe_key, r.attempts) for r in taken] == [("a", 2)]
    assert any_inbox.complete(rows, "dead-worker", 163.0, {"status": "x"}) is False
    assert any_inbox.renew(rows, "dead-worker", 163.0, 60) is False
    assert any_inbox.complete(taken, "w2", 163.0, {"status": "escalated"}) is True
    assert any_inbox.rows(DONE)[0].result == {"status": "escalated"}


def test_renew_extends_the_lease(any_inbox):
    add(any_inbox, "a", 1)
    rows = any_inbox.claim("w1", 101.0, 60, 5)
    assert any_inbox.renew(rows, "w1", 150.0, 60)
    assert any_inbox.claim("w2", 170.0, 60, 5) == []


def test_poison_row_is_buried_after_max_attempts(any_inbox):
    add(any_inbox, "a", 1)
    now = 101.0
    for _ in range(3):
        assert any_inbox.claim("w", now, 10, 3)
        now += 11  # worker "killed": lease expires
    assert any_inbox.claim("w", now, 10, 3) == []
    dead = any_inbox.rows(DEAD)
    assert [(r.dedupe_key, r.attempts) for r in dead] == [("a", 3)]
    assert "lease expired 3 times" in dead[0].last_error


def test_timer_rows_wait_for_run_at(any_inbox):
    add(any_inbox, "t", 1, run_at=500.0)
    assert any_inbox.claim("w", 499.0, 60, 5) == []
    assert any_inbox.claim("w", 500.0, 60, 5)


def test_purge_keeps_dead_and_recent_rows(any_inbox):
    for key in "abc":
        add(any_inbox, key, ord(key))
    a, = any_inbox.claim("w", 101.0, 60, 5)
    b, = any_inbox.claim("w", 101.0, 60, 5)
    any_inbox.complete([a], "w", 102.0, {})
    any_inbox.bury([b], "w", 102.0, "bad")
    assert any_inbox.purge_done(before=103.0) == 1
    assert any_inbox.counts() == {PENDING: 1, "running": 0, DONE: 0, DEAD: 1}
    assert add(any_inbox, "a", 97) is True  # purged keys are forgotten


def test_concurrent_claimers_never_share_a_row(any_inbox):
    for i in range(60):
        add(any_inbox, f"k{i}", i % 20)
    claimed, lock = [], threading.Lock()

    def claimer(name):
        peer = Inbox(str(any_inbox.engine.url.render_as_string(hide_password=False)))
        while rows := peer.claim(name, 101.0, 60, 5):
            with lock:
                claimed.extend(r.dedupe_key for r in rows)
        peer.close()

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(f"k{i}" for i in range(60))


def test_processes_starting_together_create_the_schema_once(any_inbox):
    from zendesk_escalator.store.inbox import metadata
    url = any_inbox.engine.url.render_as_string(hide_password=False)
    metadata.drop_all(any_inbox.engine)
    errors, peers = [], [Inbox(url) for _ in range(6)]

    def start(peer):
        try:
            peer.create_schema()
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
        peer.close()


def test_unreachable_database_raises_storage_unavailable(tmp_path):
    broken = Inbox("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    with pytest.raises(StorageUnavailable):
        broken.accept("notification", "a", 1, {}, 1.0)
    with pytest.raises(StorageUnavailable):
        broken.ping()


def test_reads_do_not_wait_for_a_sqlite_writer(inbox):
    """/metrics and /readyz must answer while the worker holds SQLite's write lock."""
    import sqlite3
    add(inbox, "a", 1)
    writer = sqlite3.connect(inbox.engine.url.database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as a worker transaction in progress
    answers = []
    reader = threading.Thread(target=lambda: answers.extend(
        [inbox.counts()[PENDING], len(inbox.rows()), inbox.ping()]))
    reader.start()
    reader.join(timeout=2)
    waited = reader.is_alive()
    writer.rollback()
    reader.join()
    assert not waited
    assert answers == [1, 1, None]
