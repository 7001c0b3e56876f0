"""The reconciliation sweep (worker/sweep): the search export of unsolved tickets, show_many a hundred at a time,
one request a run paced to its rate, the timers planned or superseded; against the fake Zendesk's SLA clock."""

from datetime import datetime, timedelta, timezone

import pytest
from support.service import Clock
from support.sla_world import client_on, open_ticket, sla_fake, sla_policy

from zendesk_escalator.worker import sweep as sweep_module
from zendesk_escalator.worker.sweep import Sweep
from zendesk_escalator.worker.timers import TimerPlanner

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
RATE = 30.0  # requests a minute: a chained run every 2 s


@pytest.fixture
def clock():
    return Clock(START)


def sweep_on(fake, inbox, clock) -> Sweep:
    planner = TimerPlanner(inbox, sla_policy(), clock)
    return Sweep(client_on(fake), planner, clock, every=6 * 3600, rate=RATE)


def run_to_the_end(sweep: Sweep) -> list:
    """Every run of one sweep, chained as the periodic rows chain them."""
    results = [sweep.run({})]
    while results[-1].next_in is not None:
        results.append(sweep.run(results[-1].next_payload))
    return results


def timers(inbox) -> dict[str, str]:
    return {r.dedupe_key: r.status for r in inbox.rows(limit=10_000) if r.kind == "timer"}


def reads(fake) -> list[tuple[str, dict]]:
    return [(r.path, r.query) for r in fake.seen("GET")]


def test_the_first_run_lists_the_unsolved_tickets_in_one_request(inbox, clock, made):
    tickets = [open_ticket(n, START - timedelta(hours=1)) for n in (1, 2)]
    tickets.append(open_ticket(3, START - timedelta(hours=1), status="solved"))
    fake, _ = sla_fake(clock, tickets, made)
    first = sweep_on(fake, inbox, clock).run({})
    (listed,) = reads(fake)
    assert listed[0] == "/api/v2/search/export.json"
    assert {k: listed[1][k] for k in ("query", "filter[type]", "page[size]")} == {
        "query": "status<solved",
        "filter[type]": "ticket",
        "page[size]": "1000",
    }
    assert first.next_payload == {"step": 1, "ids": [1, 2]} and first.next_in == 60.0 / RATE
    assert first.detail == "sweep step 1: 2 unsolved ticket(s) listed" and timers(inbox) == {}


def test_the_tickets_are_read_a_hundred_a_request_and_their_timers_planned(inbox, clock, made):
    fake, sla = sla_fake(clock, [open_ticket(n, START - timedelta(minutes=10)) for n in range(1, 151)], made)
    for ticket_id in (7, 120):
        sla.start_clock(fake, ticket_id, minutes=60, at=(START - timedelta(minutes=10)).timestamp())
    results = run_to_the_end(sweep_on(fake, inbox, clock))
    shown = [query for path, query in reads(fake) if path == "/api/v2/tickets/show_many.json"]
    assert [len(q["ids"].split(",")) for q in shown] == [100, 50]
    assert {q["include"] for q in shown} == {"slas,metric_sets"}
    assert len(reads(fake)) == 3  # one request a run
    assert [r.next_in for r in results] == [2.0, 2.0, None]
    assert results[1].detail == "sweep step 2: 100 ticket(s) read, 2 timer(s) made or repaired"
    assert results[-1].detail == "sweep step 3: 50 ticket(s) read, 2 timer(s) made or repaired; sweep done"
    assert sorted(key.split(":")[1:3] for key in timers(inbox)) == [
        ["sla_breach", "120"],
        ["sla_breach", "7"],
        ["sla_warning", "120"],
        ["sla_warning", "7"],
    ]


def test_a_search_page_with_more_is_followed_once_its_ids_are_read(inbox, clock, made, monkeypatch):
    monkeypatch.setattr(sweep_module, "PAGE", 2)  # 1000 in the service: three tickets make two pages here
    fake, _ = sla_fake(clock, [open_ticket(n, START - timedelta(hours=n)) for n in (1, 2, 3)], made)
    results = run_to_the_end(sweep_on(fake, inbox, clock))
    assert [r.next_payload for r in results] == [
        {"step": 1, "ids": [3, 2], "cursor": "2"},
        {"step": 2, "cursor": "2"},
        {"step": 3, "ids": [1]},
        {},
    ]
    assert [(path.rsplit("/", 1)[1], query.get("page[after]")) for path, query in reads(fake)] == [
        ("export.json", None),
        ("show_many.json", None),
        ("export.json", "2"),
        ("show_many.json", None),
    ]


def test_timers_no_longer_needed_are_superseded_and_missing_ones_made_again(inbox, clock, made):
    fake, sla = sla_fake(clock, [open_ticket(n, START - timedelta(minutes=10)) for n in (1, 2)], made)
    for ticket_id in (1, 2):
        sla.start_clock(fake, ticket_id, minutes=60, at=(START - timedelta(minutes=10)).timestamp())
    sweep = sweep_on(fake, inbox, clock)
    run_to_the_end(sweep)
    assert set(timers(inbox).values()) == {"pending"} and len(timers(inbox)) == 4
    sla.agent_replied(fake, 1)  # ticket 1 answered: its reply clock is achieved
    clock.advance(60)
    run_to_the_end(sweep)
    after = timers(inbox)
    assert sorted(status for key, status in after.items() if key.split(":")[2] == "1") == ["done", "done"]
    assert sorted(status for key, status in after.items() if key.split(":")[2] == "2") == ["pending", "pending"]
    assert {r.result["status"] for r in inbox.rows("done")} == {"superseded"}


def test_no_unsolved_ticket_ends_the_sweep_at_its_first_request(inbox, clock, made):
    fake, _ = sla_fake(clock, [open_ticket(1, START, status="solved")], made)
    (only,) = run_to_the_end(sweep_on(fake, inbox, clock))
    assert only.detail == "sweep step 1: 0 unsolved ticket(s) listed; sweep done" and only.next_payload == {}
    assert len(reads(fake)) == 1
