"""The store's rings: after the commit that makes rows due, never before it, never for a rollback."""

import time

import psycopg
import pytest
from conftest import PG_URL
from support.databases import open_inbox

from zendesk_escalator.store.inbox import Inbox
from zendesk_escalator.store.listen import CHANNEL
from zendesk_escalator.store.planning import schedule_in


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
