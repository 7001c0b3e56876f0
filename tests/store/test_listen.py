"""PostgreSQL's ring between processes: a NOTIFY the committing transaction sends, heard by a listener."""

import time

import psycopg
import pytest
from conftest import PG_URL
from sqlalchemy.engine import make_url

from zendesk_escalator.store.listen import CHANNEL, NAME, Listener, notify_sql
from zendesk_escalator.store.wakeup import Doorbell

pytestmark = pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: PostgreSQL tests skipped")


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_notify_sql_sends_the_row_count_on_the_channel():
    with psycopg.connect(PG_URL, autocommit=True) as listener, psycopg.connect(PG_URL, autocommit=True) as other:
        listener.execute(f"LISTEN {CHANNEL}")
        other.execute(f"SELECT {notify_sql('2 + 1')}")
        assert [(n.channel, n.payload) for n in listener.notifies(timeout=5, stop_after=1)] == [(CHANNEL, "3")]


def test_the_listener_rings_once_on_hearing_then_once_per_row_notified():
    doorbell = Doorbell()
    listener = Listener(make_url(PG_URL), doorbell)
    try:
        assert doorbell.deaf or doorbell.wait(5)  # deaf until its first LISTEN, which rings for what came meanwhile
        assert wait_until(lambda: not doorbell.deaf)
        while doorbell.wait(0):
            pass
        with psycopg.connect(PG_URL, autocommit=True) as other:
            other.execute(f"SELECT {notify_sql('2')}")
        assert doorbell.wait(5) and doorbell.wait(5)  # two rows: two rings
        assert doorbell.wait(0.2) is False
    finally:
        listener.stop()
    assert wait_until(lambda: listening() == 0)  # stop() closed its connection


def listening() -> int:
    """This database's backends that listen for the workers."""
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        found = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()",
            (NAME,),
        ).fetchone()
    return found[0] if found else 0
