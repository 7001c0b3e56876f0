"""Idle workers are woken by new rows, not by their poll: in one process, and across processes on PostgreSQL.

The poll is set to an hour, so a row handled within seconds was handled because
something woke a worker. Each test first waits until the worker has gone idle
(it asked when the next row falls due, which it does just before waiting).
"""

import json
import threading
import time

import pytest
from conftest import PG_URL, SAMPLES, SECRET, sample, signed_headers
from sqlalchemy import insert
from support.databases import open_inbox
from support.processes import wait_until

from zendesk_escalator.app import create_app
from zendesk_escalator.schemas.policy_file import load_policy
from zendesk_escalator.settings import Settings
from zendesk_escalator.store.inbox import Inbox
from zendesk_escalator.store.listen import NAME
from zendesk_escalator.store.schema import DONE, PENDING
from zendesk_escalator.store.schema import inbox as inbox_table
from zendesk_escalator.wiring import build_pool

HOUR = 3600.0
OWN_EVENT = {**sample("event_comment_added.json"), "id": "own-event"}
OWN_EVENT["detail"] = {**OWN_EVENT["detail"], "actor_id": "900000000001"}  # ours: ignored without any API call


def settings_for(inbox: Inbox, poll_seconds: float) -> Settings:
    """A dry run without credentials: the worker reads nothing, so only the inbox matters here."""
    return Settings(
        webhook_secrets=(SECRET,),
        database_url=inbox.database.engine.url.render_as_string(False),
        rules_path=str(SAMPLES / "policy.toml"),
        dry_run=True,
        poll_seconds=poll_seconds,
    )


class Idle:
    """Tells when the worker threads have gone idle, and with which doorbell state they wait."""

    def __init__(self, inbox: Inbox):
        self.event, self.deaf_waits = threading.Event(), []
        asked, waiting = inbox.next_run_at, inbox.database.doorbell.wait

        def next_run_at(now):
            found = asked(now)
            self.event.set()
            return found

        def wait(timeout):
            self.deaf_waits.append(inbox.database.doorbell.deaf)
            return waiting(timeout)

        inbox.next_run_at, inbox.database.doorbell.wait = next_run_at, wait


@pytest.fixture
def start_pool(any_inbox):
    pools = []

    def start(poll_seconds: float = HOUR, threads: int = 2) -> Idle:
        idle = Idle(any_inbox)
        settings = settings_for(any_inbox, poll_seconds)
        pools.append(build_pool(settings, load_policy(settings.rules_path), any_inbox, threads).start())
        assert idle.event.wait(10), "the workers never went idle"
        return idle

    yield start
    for pool in pools:
        assert pool.stop() == 0


def done(inbox: Inbox, key: str) -> bool:
    return any(row.status == DONE for row in inbox.rows(dedupe_key=key))


def test_a_webhook_wakes_an_idle_worker_at_once(any_inbox, start_pool):
    start_pool()
    app = create_app(settings_for(any_inbox, HOUR), inbox=any_inbox)
    raw = json.dumps(OWN_EVENT).encode()
    assert app.test_client().post("/webhooks/zendesk", data=raw, headers=signed_headers(raw)).status_code == 202
    assert wait_until(lambda: done(any_inbox, "event:own-event"), timeout=10)
    assert any_inbox.rows(dedupe_key="event:own-event")[0].result["status"] == "ignored"


def test_a_row_due_later_is_claimed_at_its_time_not_at_the_poll(any_inbox, start_pool):
    start_pool()
    due = time.time() + 0.5
    any_inbox.accept(
        "notification",
        "later",
        35436,
        {"ticket_id": 35436, "source": "event", "actor_id": 900000000001},
        time.time(),
        run_at=due,
    )
    assert wait_until(lambda: done(any_inbox, "later"), timeout=10)
    assert any_inbox.rows(dedupe_key="later")[0].updated_at >= due


def test_a_row_nobody_rang_for_is_found_by_the_safety_net_poll(any_inbox, start_pool):
    start_pool(poll_seconds=0.2)
    now = time.time()
    with any_inbox.database.engine.begin() as conn:  # behind the store's back: no ring, no NOTIFY
        conn.execute(
            insert(inbox_table).values(
                kind="notification",
                dedupe_key="unannounced",
                ticket_id=35436,
                status=PENDING,
                attempts=0,
                payload=json.dumps({"ticket_id": 35436, "source": "event", "actor_id": 900000000001}),
                run_at=now,
                created_at=now,
                updated_at=now,
            )
        )
    assert wait_until(lambda: done(any_inbox, "unannounced"), timeout=10)


@pytest.fixture
def pg_inbox(any_inbox):
    if any_inbox.database.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    return any_inbox


def listening(inbox: Inbox) -> list[int]:
    """The backends of this database that listen for the workers."""
    with inbox.database.reading() as conn:
        return list(
            conn.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = %(name)s "
                "AND query LIKE 'LISTEN%%'",
                {"name": NAME},
            ).scalars()
        )


def test_a_row_another_process_commits_wakes_the_worker_through_notify(pg_inbox, start_pool):
    start_pool(threads=1)
    other = open_inbox(PG_URL)  # another process's store: its own doorbell rings nobody here
    other.accept(
        "notification",
        "from-elsewhere",
        35436,
        {"ticket_id": 35436, "source": "event", "actor_id": 900000000001},
        time.time(),
    )
    other.database.close()
    assert wait_until(lambda: done(pg_inbox, "from-elsewhere"), timeout=10)


def test_a_lost_listen_connection_is_made_again(pg_inbox, start_pool):
    idle = start_pool(threads=1)
    assert wait_until(lambda: listening(pg_inbox) and idle.deaf_waits and not idle.deaf_waits[-1])
    (lost,) = listening(pg_inbox)
    before = len(idle.deaf_waits)  # the waits from now on: those while deaf at start-up (before LISTEN) do not count
    with pg_inbox.database.transaction() as conn:
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
            "current_database() AND application_name = %(name)s",
            {"name": NAME},
        )
    # Deaf, the worker polls; heard again, it waits for the next notification (or its hour-long poll).
    assert wait_until(lambda: True in idle.deaf_waits[before:] and not idle.deaf_waits[-1], timeout=20)
    assert listening(pg_inbox) and lost not in listening(pg_inbox)
    other = open_inbox(PG_URL)
    other.accept(
        "notification",
        "after-the-loss",
        35436,
        {"ticket_id": 35436, "source": "event", "actor_id": 900000000001},
        time.time(),
    )
    other.database.close()
    assert wait_until(lambda: done(pg_inbox, "after-the-loss"), timeout=10)
