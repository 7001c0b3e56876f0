"""The worker loop on a real inbox, Zendesk mocked at the HTTP layer, time injected.

The retry schedule is a time budget: an outage of an hour ends with every
escalation made and no dead row; only a permanent answer, or a budget spent,
buries a row.
"""

import json
import re
import threading
from dataclasses import replace

import pytest
import responses
from conftest import API, sample
from support.service import Clock

from zendesk_escalator.core.notification import Notification
from zendesk_escalator.store.schema import DEAD, DONE, PENDING
from zendesk_escalator.wiring import build_worker

TICKET_URL, COMMENTS_URL = f"{API}/tickets/35436.json", f"{API}/tickets/35436/comments.json"
HOUR = 3600.0
MINUTE = 60.0  # the breaker's longest pause with the default retry base (BREAKER_CAP × 2 s)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def worker(any_inbox, settings, policy, clock):
    built = build_worker(settings, policy, any_inbox, clock)
    built.rng = lambda: 0.5
    return built


def enqueue(inbox, clock, key="event:1", ticket=35436):
    note = Notification(
        ticket_id=ticket,
        source="trigger",
        actor_id=20978392,
        actor_role="end-user",
        tags=("billing", "vip"),
        updated_at="2026-11-22T09:15:02Z",
    )
    inbox.accept("notification", key, ticket, note.to_dict(), clock().timestamp())


def serve_reads(mock):
    mock.get(TICKET_URL, json=sample("ticket_cc.json"))
    newest_first = sample("comments_cc.json")
    newest_first["comments"].reverse()
    mock.get(COMMENTS_URL, json=newest_first)


def accept_puts(mock):
    mock.put(TICKET_URL, json={"ticket": {"id": 35436}, "audit": {"id": 1, "events": []}})


def run_until(worker, clock, until: float, on_request=None) -> None:
    """Drive the worker as its loop would, jumping the clock to the next moment something is due."""
    while clock().timestamp() < until:
        pause = worker.breaker.pause_left(clock().timestamp())
        if pause:
            clock.advance(pause)
        elif not worker.run_once():
            due = [r.run_at for r in worker.inbox.rows(PENDING)]
            if not due:
                return
            clock.advance(max(1.0, min(due) - clock().timestamp()))


@responses.activate
def test_one_ticket_that_keeps_failing_does_not_hold_up_the_others(worker, any_inbox, clock):
    enqueue(any_inbox, clock, "event:bad", 35437)
    enqueue(any_inbox, clock, "event:good", 35436)
    responses.get(f"{API}/tickets/35437/comments.json", status=500, json={"error": "InternalError"})
    serve_reads(responses)
    accept_puts(responses)
    for _ in range(6):
        worker.run_once()
        clock.advance(MINUTE)
    assert worker.breaker.pause_left(clock().timestamp()) == 0
    assert [r.status for r in any_inbox.rows()] == [PENDING, DONE]


@responses.activate
def test_success_is_recorded_with_call_count_and_comment_mark(worker, any_inbox, clock):
    enqueue(any_inbox, clock)
    serve_reads(responses)
    accept_puts(responses)
    assert worker.run_once() is True
    (done,) = any_inbox.rows(DONE)
    assert (done.result["status"], done.result["api_calls"], done.result["coalesced"]) == ("escalated", 3, 1)
    assert any_inbox.marks.get(35436) == 10004
    assert worker.run_once() is False


@responses.activate
def test_429_waits_as_told_pauses_every_worker_and_spends_no_budget(worker, any_inbox, clock):
    enqueue(any_inbox, clock)
    serve_reads(responses)
    responses.put(TICKET_URL, status=429, headers={"Retry-After": "120"}, json={})
    start = clock().timestamp()
    worker.run_once()
    (row,) = any_inbox.rows(PENDING)
    assert row.run_at == start + 120.5 and "ZendeskRateLimited" in row.last_error
    assert row.deadline == start + 24 * HOUR + 120  # the wait Zendesk asked for is not counted
    assert worker.breaker.pause_left(start) == 120
    clock.advance(120)
    assert worker.run_once() is False  # not before Retry-After has passed
    responses.replace(responses.PUT, TICKET_URL, json={"ticket": {"id": 1}, "audit": {}})
    clock.advance(1)
    assert worker.run_once() is True and any_inbox.counts()[DONE] == 1


@responses.activate
def test_a_zendesk_outage_of_an_hour_ends_with_the_escalation_made_and_no_dead_row(worker, any_inbox, clock):
    outage_ends = clock().timestamp() + HOUR
    enqueue(any_inbox, clock, "event:1", 35436)
    enqueue(any_inbox, clock, "event:2", 35437)
    calls = []

    def zendesk(request):
        calls.append(clock().timestamp())
        if clock().timestamp() < outage_ends:
            return 503, {}, '{"error": "Unavailable"}'
        if request.method == "PUT":
            return 200, {}, '{"ticket": {"id": 1}, "audit": {}}'
        if "comments" in request.url:
            return 200, {}, json.dumps(sample("comments_cc.json"))
        ticket = sample("ticket_cc.json")
        ticket["ticket"]["id"] = int(re.search(r"/tickets/(\d+)", request.url).group(1))  # the ticket asked for
        return 200, {}, json.dumps(ticket)

    for method in (responses.GET, responses.PUT):
        responses.add_callback(method, re.compile(f"{API}/tickets/.*"), callback=zendesk)
    run_until(worker, clock, outage_ends + HOUR)
    assert any_inbox.counts() == {PENDING: 0, "running": 0, DONE: 2, DEAD: 0}
    assert [r.result["status"] for r in any_inbox.rows()] == ["escalated", "escalated"]
    during = [t for t in calls if t < outage_ends]
    assert len(during) <= HOUR / MINUTE + 10  # about one probe a minute, not one per row
    first_after = min(t for t in calls if t >= outage_ends)
    assert first_after - outage_ends <= MINUTE  # back to work within a minute
    assert max(t for t in calls) - outage_ends <= MINUTE + 5  # and the held-back row at once after


@responses.activate
def test_a_row_dies_only_when_its_budget_is_spent(worker, any_inbox, clock):
    worker.retry_budget = HOUR
    enqueue(any_inbox, clock)
    responses.get(COMMENTS_URL, status=503, body="down")
    start = clock().timestamp()
    run_until(worker, clock, start + 3 * HOUR)
    (dead,) = any_inbox.rows(DEAD)
    assert "503" in dead.last_error and dead.updated_at - start == pytest.approx(HOUR, abs=MINUTE + 1)


@responses.activate
def test_422_goes_dead_at_once(worker, any_inbox, clock):
    enqueue(any_inbox, clock)
    serve_reads(responses)
    responses.put(TICKET_URL, status=422, json={"error": "RecordInvalid", "details": {"group": [{"description": "x"}]}})
    worker.run_once()
    (dead,) = any_inbox.rows(DEAD)
    assert dead.attempts == 1 and "422" in dead.last_error


@responses.activate
def test_unexpected_error_keeps_the_row(worker, any_inbox, clock):
    enqueue(any_inbox, clock)
    responses.get(COMMENTS_URL, json={"comments": []})
    responses.get(TICKET_URL, json={"not": "a ticket"})
    worker.run_once()
    (row,) = any_inbox.rows(PENDING)
    assert "KeyError" in row.last_error and worker.breaker.pause_left(clock().timestamp()) == 0


@responses.activate
def test_hand_back_while_zendesk_hangs(any_inbox, settings, policy, clock):
    """A stopping worker's rows are due at once for another worker, even mid-call."""
    enqueue(any_inbox, clock)
    entered, release = threading.Event(), threading.Event()

    def hang(request):
        entered.set()
        release.wait(10)
        return 503, {}, "{}"

    responses.add_callback(responses.GET, COMMENTS_URL, callback=hang)
    stopping = build_worker(settings, policy, any_inbox, clock)
    busy = threading.Thread(target=stopping.run_once)
    busy.start()
    assert entered.wait(5)
    assert stopping.hand_back() == 1
    other = build_worker(settings, policy, any_inbox, clock)
    taken = any_inbox.claim(other.owner, clock().timestamp(), 60)
    assert [r.dedupe_key for r in taken] == ["event:1"]
    release.set()
    busy.join(5)
    assert any_inbox.rows()[0].lease_owner == other.owner  # the stopped worker could not spoil it


@responses.activate
def test_run_loop_stops_when_told(worker, any_inbox, clock):
    any_inbox.accept(
        "notification",
        "own",
        35436,
        Notification(ticket_id=35436, source="event", actor_id=900000000001).to_dict(),
        clock().timestamp(),
    )
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), kwargs={"poll_seconds": 0.01})
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


@responses.activate
def test_an_unexpected_error_after_a_batch_leaves_the_thread_working(worker, any_inbox, clock, monkeypatch, caplog):
    """A bug after the update went out (here: the credentials' state not written) is logged; the thread goes on
    with the next row, and the row in hand comes back when its lease ends."""
    serve_reads(responses)
    accept_puts(responses)
    enqueue(any_inbox, clock)

    def unwritable(*_):
        raise RuntimeError("the credentials' state could not be written")

    monkeypatch.setattr(worker.credentials.states, "write", unwritable)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), kwargs={"poll_seconds": 0.01})
    thread.start()
    try:
        for _ in range(500):
            if any(call.request.method == "PUT" for call in responses.calls) and "unexpected error" in caplog.text:
                break
            stop.wait(0.01)
        any_inbox.accept(
            "notification",
            "own",
            35437,
            Notification(ticket_id=35437, source="event", actor_id=900000000001).to_dict(),
            clock().timestamp(),
        )
        for _ in range(1000):
            if any_inbox.counts()[DONE]:
                break
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert "the credentials' state could not be written" in caplog.text
    assert [r.dedupe_key for r in any_inbox.rows(DONE)] == ["own"]  # the next row was handled by the same thread
    assert [r.status for r in any_inbox.rows() if r.dedupe_key == "event:1"] == ["running"]  # back at lease end


@pytest.mark.parametrize("purges", [True, False])
def test_finished_rows_are_purged_after_30_days_by_the_purging_worker_only(any_inbox, worker, clock, purges):
    any_inbox.accept("notification", "old", 1, {"ticket_id": 1, "source": "event"}, 1000.0)
    old = any_inbox.claim("someone", 1000.0, 60)
    any_inbox.complete(old, "someone", 1000.0, {"status": "done"})
    worker.purges = purges
    stop = threading.Event()
    runner = threading.Thread(target=worker.run, args=(stop, 0.01))
    runner.start()
    stop.wait(0.3)
    stop.set()
    runner.join()
    assert any_inbox.counts()[DONE] == (0 if purges else 1)


def test_settings_reach_the_worker(any_inbox, settings, policy, clock):
    worker = build_worker(replace(settings, retry_budget_hours=2, lease_seconds=30), policy, any_inbox, clock)
    assert (worker.retry_budget, worker.lease_seconds) == (2 * HOUR, 30)
