"""The database handle: its transactions and reads, its migration at start, its outages, and its rings: after the
commit that makes rows due, never before it, never for a rollback."""

import threading
import time

import psycopg
import pytest
from conftest import PG_URL, drop_everything
from support.databases import add_notification, open_inbox

from zendesk_escalator.errors import StorageUnavailable
from zendesk_escalator.store.inbox import Inbox
from zendesk_escalator.store.listen import CHANNEL
from zendesk_escalator.store.planning import schedule_in
from zendesk_escalator.store.schema import PENDING


def timer(key: str, now: float) -> dict:
    return {"kind": "timer", "dedupe_key": key, "ticket_id": 7, "payload": {"ticket_id": 7}, "run_at": now + 60}


def url_of(inbox: Inbox) -> str:
    return inbox.database.engine.url.render_as_string(hide_password=False)


def test_rows_planned_inside_a_callers_transaction_ring_only_after_its_commit(any_inbox):
    elsewhere = open_inbox(url_of(any_inbox))  # what another process sees
    rings = []
    any_inbox.database.doorbell.ring = lambda rows=1: rings.append((rows, [r.dedupe_key for r in elsewhere.rows()]))
    now = time.time()
    with any_inbox.database.transaction() as conn:
        assert schedule_in(any_inbox.database, conn, [timer("a", now), timer("b", now)], now) == 2
        assert rings == []
    assert rings == [(2, ["a", "b"])]  # rung once, for both, when they could be seen
    elsewhere.database.close()


def test_a_transaction_rolled_back_rings_nobody(any_inbox):
    rings = []
    any_inbox.database.doorbell.ring = lambda rows=1: rings.append(rows)
    now = time.time()
    with pytest.raises(RuntimeError):
        with any_inbox.database.transaction() as conn:
            schedule_in(any_inbox.database, conn, [timer("a", now)], now)
            raise RuntimeError("the caller's later step failed")
    any_inbox.schedule([timer("a", now)], now)  # the same row again: stored now, so rung
    any_inbox.schedule([timer("a", now)], now)  # already stored: nothing new, no ring
    assert rings == [1]


def test_postgres_notifies_in_the_committing_transaction(any_inbox):
    if not any_inbox.database.is_postgres:
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    now = time.time()
    with psycopg.connect(PG_URL, autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        with any_inbox.database.transaction() as conn:
            schedule_in(any_inbox.database, conn, [timer("a", now)], now)
            assert list(listener.notifies(timeout=0.3)) == []  # not before the commit
        assert [n.payload for n in listener.notifies(timeout=5, stop_after=1)] == ["1"]
        assert any_inbox.accept("notification", "b", 7, {"ticket_id": 7}, now)
        assert not any_inbox.accept("notification", "b", 7, {"ticket_id": 7}, now)  # a duplicate notifies nobody
        assert [n.payload for n in listener.notifies(timeout=0.5)] == ["1"]


def test_on_sqlite_a_web_process_rings_the_worker_process_through_the_pipe(tmp_path):
    url = f"sqlite:///{tmp_path}/inbox.db"
    web, worker = open_inbox(url), open_inbox(url)
    web.database.migrate()
    reader = worker.database.listen()
    try:
        assert not worker.database.doorbell.wait(0)
        web.accept("notification", "a", 7, {"ticket_id": 7}, time.time())
        assert worker.database.doorbell.wait(5)
    finally:
        reader.stop()


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
    assert add_notification(peers[0], "a", 1)
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

    add_notification(inbox, "a", 1)
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
