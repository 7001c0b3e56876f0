"""SLA timers (worker/timers; named apart from tests/core/sla/test_timers.py): the planner's rows, due a
minute's lookahead before their moment; the handler's one re-check read for a minute's timers, each acting at its
own moment with one safe PUT, against the fake Zendesk's SLA clock. (The schedule-waiting side of the planner is
tests/worker/test_schedules.py.)"""

from datetime import datetime, timedelta, timezone

import pytest
from support.fake_zendesk import Fault
from support.service import Clock
from support.sla_world import client_on, open_ticket, sla_fake, sla_policy

from zendesk_escalator.core.snapshot_api import tickets_from_api
from zendesk_escalator.errors import ZendeskConflict
from zendesk_escalator.worker.timers import LOOKAHEAD, TimerHandler, TimerPlanner, due_at
from zendesk_escalator.zendesk.stand_ins import DryRunWriter

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
POLICY = sla_policy()


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture
def world(inbox, clock, made):
    """The fake with tickets 1 and 2 open since START, first replies due in 60 min 40 s and 60 min."""
    fake, sla = sla_fake(clock, [open_ticket(1, START), open_ticket(2, START)], made)
    sla.start_clock(fake, 1, minutes=60 + 40 / 60)
    sla.start_clock(fake, 2, minutes=60)
    return fake, sla


def stamp(moment: datetime) -> str:
    """A ticket's updated_at as the fake writes it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plan(fake, inbox, clock, ids=(1, 2)) -> int:
    client = client_on(fake)
    return TimerPlanner(inbox, POLICY, clock).plan(tickets_from_api(client.tickets(list(ids), "slas,metric_sets")))


def handle_due(fake, inbox, clock, writer=None, dry_run=False):
    """Claim the timer rows due now and hand them to the handler (sleeping moves the clock); reads and writes
    from then on are the fake's requests."""
    rows = inbox.claim("w", clock().timestamp(), 600)
    fake.requests.clear()
    client = client_on(fake)
    handler = TimerHandler(client, writer or client, POLICY, clock, sleep=clock.advance, dry_run=dry_run)
    return [([r.dedupe_key for r in done], outcome) for done, outcome in handler.handle(rows)]


def timers(inbox) -> dict[str, tuple[str, float]]:
    return {r.dedupe_key: (r.status, r.run_at) for r in inbox.rows(limit=10_000) if r.kind == "timer"}


def test_a_timer_falls_due_the_lookahead_before_its_moments_minute():
    assert due_at(datetime(2026, 11, 23, 9, 30, 40, tzinfo=timezone.utc)) == datetime(
        2026, 11, 23, 9, 29, 30, tzinfo=timezone.utc
    )
    assert LOOKAHEAD == timedelta(seconds=30)


def test_the_planner_stores_each_tickets_warning_and_breach_once(world, inbox, clock):
    fake, _ = world
    assert plan(fake, inbox, clock) == 4
    warning_1 = (START + timedelta(minutes=30, seconds=40)).timestamp()
    assert timers(inbox)[f"timer:sla_warning:1:first_reply_time:{int(warning_1) + 1800}:{int(warning_1)}"] == (
        "pending",
        (START + timedelta(minutes=29, seconds=30)).timestamp(),
    )
    assert plan(fake, inbox, clock) == 0  # the feed and the sweep both see it: planned once
    assert len(timers(inbox)) == 4


def test_a_timer_planned_after_its_due_moment_is_due_now(inbox, clock, made):
    fake, sla = sla_fake(clock, [open_ticket(1, START)], made)
    sla.start_clock(fake, 1, minutes=40)  # warning at 09:10, due 09:09:30
    clock.advance(9 * 60 + 50)  # the ticket read at 09:09:50
    plan(fake, inbox, clock, ids=(1,))
    assert sorted(run_at for _, run_at in timers(inbox).values())[0] == clock().timestamp()


def test_a_changed_plan_supersedes_the_timers_no_longer_needed(world, inbox, clock):
    fake, sla = world
    plan(fake, inbox, clock)
    sla.agent_replied(fake, 1)
    clock.advance(60)
    assert plan(fake, inbox, clock) == 0
    statuses = {key.split(":")[2]: status for key, (status, _) in timers(inbox).items()}
    assert statuses == {"1": "done", "2": "pending"}
    assert {r.result["status"] for r in inbox.rows("done")} == {"superseded"}


def test_a_minutes_timers_are_rechecked_with_one_read_and_each_acts_at_its_moment(world, inbox, clock):
    fake, _ = world
    plan(fake, inbox, clock)
    clock.now = START + timedelta(minutes=29, seconds=30)  # the minute's batch falls due
    handled = handle_due(fake, inbox, clock)
    (read, *puts) = fake.requests
    assert (read.method, read.path, read.query) == (
        "GET",
        "/api/v2/tickets/show_many.json",
        {"ids": "1,2", "include": "slas,metric_sets"},
    )
    assert [(p.method, p.path, p.when) for p in puts] == [  # in the order of their moments
        ("PUT", "/api/v2/tickets/2.json", (START + timedelta(minutes=30)).timestamp()),
        ("PUT", "/api/v2/tickets/1.json", (START + timedelta(minutes=30, seconds=40)).timestamp()),
    ]
    sent = puts[0].body["ticket"]
    assert sent["safe_update"] is True and sent["updated_stamp"] == stamp(START)  # the ticket as read
    assert "escalation_reason_sla_warning" in sent["tags"] and sent["comment"]["public"] is False
    assert "first reply time breaches at 2026-11-23 10:00 UTC: 30 min left" in sent["comment"]["body"]
    assert [(o.status, o.rule, o.metric) for _, o in handled] == [("escalated", "sla_warning", "first_reply_time")] * 2
    assert handled[0][1].update == {"ticket": sent}


def test_a_ticket_answered_before_its_moment_is_stale_and_nothing_is_sent(world, inbox, clock):
    fake, sla = world
    plan(fake, inbox, clock, ids=(1,))
    sla.agent_replied(fake, 1)  # the feed has not seen it yet: the timer is still pending
    clock.now = START + timedelta(minutes=29, seconds=30)
    ((keys, outcome),) = handle_due(fake, inbox, clock)
    assert keys[0].startswith("timer:sla_warning:1:") and outcome.status == "stale"
    assert [r.method for r in fake.requests] == ["GET"]


def test_a_ticket_deleted_meanwhile_is_gone_without_a_write(world, inbox, clock):
    fake, _ = world
    plan(fake, inbox, clock, ids=(1,))
    del fake.tickets[1]
    clock.now = START + timedelta(minutes=29, seconds=30)
    ((_, outcome),) = handle_due(fake, inbox, clock)
    assert (outcome.status, outcome.detail) == ("ticket_gone", "ticket 1 was not found")
    assert [r.method for r in fake.requests] == ["GET"]


def test_an_agents_change_before_the_put_is_read_again_and_decided_anew(world, inbox, clock):
    fake, _ = world
    plan(fake, inbox, clock, ids=(1,))
    clock.now = START + timedelta(minutes=29, seconds=30)

    def agent_first(method, path, count):
        if method == "PUT" and not any(r.method == "PUT" for r in fake.requests[:-1]):
            fake.touch(1)  # an agent saved the ticket just before our PUT: safe_update answers 409
        return None

    fake.fault = agent_first
    ((_, outcome),) = handle_due(fake, inbox, clock)
    assert [(r.method, r.path, r.status) for r in fake.requests] == [
        ("GET", "/api/v2/tickets/show_many.json", 200),
        ("PUT", "/api/v2/tickets/1.json", 409),
        ("GET", "/api/v2/tickets/1.json", 200),
        ("PUT", "/api/v2/tickets/1.json", 200),
    ]
    assert fake.requests[2].query["include"] == "slas,metric_sets"
    first, second = (r.body["ticket"]["updated_stamp"] for r in fake.requests[1::2])
    assert (first, second) == (
        stamp(START),
        stamp(START + timedelta(minutes=30, seconds=40)),
    )  # the ticket as read again
    assert outcome.status == "escalated"


def test_a_ticket_that_keeps_changing_is_retried_later(world, inbox, clock):
    fake, _ = world
    plan(fake, inbox, clock, ids=(1,))
    clock.now = START + timedelta(minutes=29, seconds=30)
    fake.fault = lambda method, path, count: Fault(409, {"error": "UpdateConflict"}) if method == "PUT" else None
    ((_, outcome),) = handle_due(fake, inbox, clock)
    assert isinstance(outcome, ZendeskConflict) and "kept changing" in str(outcome)
    assert [r.method for r in fake.requests].count("PUT") == 3


def test_a_dry_run_plans_the_escalation_and_sends_nothing(world, inbox, clock, caplog):
    fake, _ = world
    plan(fake, inbox, clock, ids=(1,))
    clock.now = START + timedelta(minutes=29, seconds=30)
    ((_, outcome),) = handle_due(fake, inbox, clock, writer=DryRunWriter(), dry_run=True)
    assert outcome.status == "planned" and outcome.update["ticket"]["safe_update"] is True
    assert [r.method for r in fake.requests] == ["GET"] and "DRY RUN: would PUT /api/v2/tickets/1.json" in caplog.text
