"""A process's worker threads (worker/pool): started together, handling rows against the fake Zendesk, stopped
together with nothing left leased. (Wake-ups across processes are tests/worker/test_pool_wakeups.py.)"""

import threading
import time

import pytest
from conftest import SAMPLES, SECRET
from support.processes import wait_until
from support.service import TICKET, cc_fake

from zendesk_escalator.core.notification import Notification
from zendesk_escalator.schemas.policy_file import load_policy
from zendesk_escalator.settings import Settings
from zendesk_escalator.store.schema import DONE, PENDING, RUNNING
from zendesk_escalator.wiring import build_pool

HOUR = 3600.0


@pytest.fixture
def fake(made):
    server = cc_fake()
    made.append(server)
    return server


@pytest.fixture
def pools():
    """Build a pool of `count` workers on the fake; any pool a test leaves running is stopped after it."""
    built = []

    def make(inbox, fake, count: int = 2, poll_seconds: float = HOUR):
        settings = Settings(
            subdomain="acme",
            email="bot@acme.example",
            api_token="t0ken",
            api_url=fake.url,
            webhook_secrets=(SECRET,),
            database_url=inbox.database.engine.url.render_as_string(False),
            rules_path=str(SAMPLES / "policy.toml"),
            api_timeout=5.0,
            poll_seconds=poll_seconds,
        )
        pool = build_pool(settings, load_policy(settings.rules_path), inbox, count)
        built.append(pool)
        return pool

    yield make
    for pool in built:
        if not pool.stop_event.is_set():
            pool.stop(grace=0)


def customer_cc(inbox, key: str = "event:1") -> None:
    """The recorded customer email CC'ing the escalation desk, as the webhook leaves it in the inbox."""
    note = Notification(
        ticket_id=TICKET,
        source="trigger",
        actor_id=20978392,
        actor_role="end-user",
        tags=("billing", "vip"),
        updated_at="2026-11-22T09:15:02Z",
    )
    inbox.accept("notification", key, TICKET, note.to_dict(), time.time())


def test_started_there_is_one_named_thread_per_worker_and_they_escalate(inbox, fake, pools):
    pool = pools(inbox, fake, count=3).start()
    assert [t.name for t in pool.threads] == ["queue-worker-0", "queue-worker-1", "queue-worker-2"]
    assert all(t.is_alive() and t.daemon for t in pool.threads) and pool.listener is not None
    customer_cc(inbox)
    assert wait_until(lambda: inbox.counts()[DONE] == 1, timeout=10)
    (sent,) = fake.puts(TICKET)
    assert sent["ticket"]["group_id"] == 360000000003 and sent["ticket"]["comment"]["public"] is False
    assert pool.stop() == 0 and not any(t.is_alive() for t in pool.threads)


def test_idle_workers_stop_at_once_not_at_their_next_poll(inbox, fake, pools):
    pool = pools(inbox, fake, count=2, poll_seconds=HOUR).start()
    time.sleep(0.3)  # gone idle: waiting on the doorbell for up to an hour
    began = time.monotonic()
    assert pool.stop(grace=10) == 0
    assert time.monotonic() - began < 5 and not any(t.is_alive() for t in pool.threads)


def test_a_row_in_hand_when_the_grace_ends_is_handed_back_for_another_worker(inbox, fake, pools):
    entered, release = threading.Event(), threading.Event()

    def hang(method, path, count):
        if f"/tickets/{TICKET}" in path:
            entered.set()
            release.wait(10)  # Zendesk not answering while the process stops
        return None

    fake.fault = hang
    pool = pools(inbox, fake, count=1).start()
    customer_cc(inbox)
    try:
        assert entered.wait(10), "the worker never called Zendesk"
        assert inbox.rows()[0].status == RUNNING
        assert pool.stop(grace=0.2) == 1
        (row,) = inbox.rows()
        assert row.status == PENDING and row.lease_owner is None and row.run_at <= time.time()
    finally:
        release.set()
    taken = inbox.claim("another worker", time.time(), 60)
    assert [r.dedupe_key for r in taken] == ["event:1"]


def test_the_tickets_in_hand_finish_within_the_grace(inbox, fake, pools):
    entered, release = threading.Event(), threading.Event()

    def slow(method, path, count):
        if method == "GET" and f"/tickets/{TICKET}/comments" in path:
            entered.set()
            release.wait(10)
        return None

    fake.fault = slow
    pool = pools(inbox, fake, count=1).start()
    customer_cc(inbox)
    assert entered.wait(10)
    threading.Timer(0.3, release.set).start()  # Zendesk answers while the pool stops
    assert pool.stop(grace=10) == 0
    assert inbox.rows()[0].status == DONE and len(fake.puts(TICKET)) == 1
