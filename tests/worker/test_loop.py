"""The worker loop on a real inbox, Zendesk mocked at the HTTP layer."""

import threading
from datetime import datetime, timezone

import pytest
import responses

from conftest import API, sample
from zendesk_escalator.actions import ZendeskClient
from zendesk_escalator.store.inbox import DEAD, DONE, PENDING
from zendesk_escalator.worker.escalate import Processor
from zendesk_escalator.core.notification import Notification
from zendesk_escalator.worker.loop import BACKOFF_CAP, Worker, retry_delay

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=timezone.utc)


class Clock:
    def __init__(self, t=1000.0):
        self.t = t

    def __call__(self):
        return self.t


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def worker(any_inbox, settings, policy, clock):
    client = ZendeskClient(settings)
    processor = Processor(client, client, policy, lambda: NOW)
    return Worker(any_inbox, processor, max_attempts=3, lease_seconds=60, clock=clock,
                  rng=lambda: 0.5, api_calls=lambda: len(client.calls))


def enqueue(inbox, key="event:1", ticket=35436, actor=20978392, now=1000.0):
    note = Notification(ticket_id=ticket, source="event", actor_id=actor)
    inbox.accept("notification", key, ticket, note.to_dict(), now)


def mock_reads(mock):
    mock.get(f"{API}/tickets/35436.json", json=sample("ticket_cc.json"))
    mock.get(f"{API}/tickets/35436/comments.json", json=sample("comments_cc.json"))


def test_retry_delay_backoff_jitter_and_retry_after():
    assert retry_delay(1, None, lambda: 0.0) == 1.0
    assert retry_delay(3, None, lambda: 1.0) == 8.0
    assert retry_delay(30, None, lambda: 1.0) == BACKOFF_CAP
    assert retry_delay(2, None, lambda: 1.0, base=0.1) == 0.2
    assert retry_delay(1, 37.0, lambda: 0.5) == 37.5


@responses.activate
def test_success_is_recorded_with_call_count(worker, any_inbox):
    enqueue(any_inbox)
    mock_reads(responses)
    responses.put(f"{API}/tickets/35436.json", json={"ticket": {"id": 35436}, "audit": {}})
    assert worker.run_once() is True
    done, = any_inbox.rows(DONE)
    assert (done.result["status"], done.result["api_calls"]) == ("escalated", 3)
    assert worker.run_once() is False


@responses.activate
def test_429_honours_retry_after(worker, any_inbox, clock):
    enqueue(any_inbox)
    mock_reads(responses)
    responses.put(f"{API}/tickets/35436.json", status=429, headers={"Retry-After": "120"}, json={})
    worker.run_once()
    row, = any_inbox.rows(PENDING)
    assert row.run_at == clock.t + 120.5 and "ZendeskRateLimited" in row.last_error
    clock.t += 120
    assert worker.run_once() is False  # not before Retry-After has passed
    responses.replace(responses.PUT, f"{API}/tickets/35436.json", json={"ticket": {"id": 1}, "audit": {}})
    clock.t += 1
    assert worker.run_once() is True
    assert any_inbox.counts()[DONE] == 1


@responses.activate
def test_5xx_backs_off_then_goes_dead_after_max_attempts(worker, any_inbox, clock):
    enqueue(any_inbox)
    responses.get(f"{API}/tickets/35436.json", status=503, body="down")
    delays = []
    for _ in range(3):
        assert worker.run_once()
        pending = any_inbox.rows(PENDING)
        if pending:
            delays.append(pending[0].run_at - clock.t)
            clock.t = pending[0].run_at
    assert delays == [1.5, 3.0]  # 2s then 4s ceilings, jitter fixed at 0.5
    dead, = any_inbox.rows(DEAD)
    assert dead.attempts == 3 and "503" in dead.last_error


@responses.activate
def test_422_goes_dead_at_once(worker, any_inbox):
    enqueue(any_inbox)
    mock_reads(responses)
    responses.put(f"{API}/tickets/35436.json", status=422, json={"error": "RecordInvalid"})
    worker.run_once()
    dead, = any_inbox.rows(DEAD)
    assert dead.attempts == 1 and "422" in dead.last_error


@responses.activate
def test_unexpected_error_keeps_the_row(worker, any_inbox):
    enqueue(any_inbox)
    responses.get(f"{API}/tickets/35436.json", json={"not": "a ticket"})
    responses.get(f"{API}/tickets/35436/comments.json", json={"comments": []})
    worker.run_once()
    row, = any_inbox.rows(PENDING)
    assert "KeyError" in row.last_error


@responses.activate
def test_run_loop_stops_when_told(worker, any_inbox):
    enqueue(any_inbox, actor=900000000001)  # own update: no calls needed
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), kwargs={"poll_interval": 0.01})
    thread.start()
    for _ in range(200):
        if any_inbox.counts()[DONE]:
            break
        stop.wait(0.01)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert any_inbox.rows(DONE)[0].result["status"] == "ignored"
    assert len(responses.calls) == 0


@pytest.mark.parametrize("purges", [True, False])
def test_finished_rows_are_purged_after_30_days_by_the_purging_worker_only(any_inbox, worker, clock, purges):
    enqueue(any_inbox, "event:old", actor=None)
    old = any_inbox.claim("someone", 1000.0, 60, 3)
    any_inbox.complete(old, "someone", 1000.0, {"status": "done"})
    clock.t = 1000.0 + 31 * 24 * 3600
    worker.purges = purges
    stop = threading.Event()
    runner = threading.Thread(target=worker.run, args=(stop, 0.01))
    runner.start()
    stop.wait(0.3)
    stop.set()
    runner.join()
    assert any_inbox.counts()[DONE] == (0 if purges else 1)
