"""A target counted in the account's Zendesk schedule, end to end: the real worker (schedule job, feed, sweep,
timers) against the fake Zendesk, time injected; the schedule becomes known only after the feed and the sweep
have read the tickets, and the tickets are planned then, not at the next sweep a day later.
"""

from datetime import datetime, timedelta, timezone

import pytest
from conftest import sample_policy
from support.fake_sla import SlaEndpoints
from support.fake_zendesk import Fault
from support.service import Clock, Service
from support.sla_world import sla_fake
from support.zendesk_records import OFFICE, listed_ticket, sla_policy_text

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Monday, 10:00 in Berlin
POLICY = sla_policy_text(
    'time_zone = "Europe/Berlin"', "", "[[sla.fallback]]", 'first_reply = "2h"', 'schedule = "zendesk"'
)
SCHEDULES = "/api/v2/business_hours/schedules.json"


def ticket(ticket_id: int, created: datetime) -> dict:
    return listed_ticket(ticket_id, created, status="new", priority="high", assignee_id=None, tags=())


@pytest.fixture
def world(tmp_path, made):
    def make(schedule_failures: int):
        """A ticket made at 08:00 in Berlin, before the office opens: 2 h of office time end at 11:00 (10:00 UTC)."""
        clock = Clock(START)
        failures = iter(range(schedule_failures))

        def fault(method, path, n):
            return Fault(500) if path == SCHEDULES and next(failures, None) is not None else None

        fake, _ = sla_fake(
            clock, [ticket(1, START - timedelta(hours=2))], made, SlaEndpoints(schedule=OFFICE), fault=fault
        )
        fake.metric_sets[1] = {"replies": 0}
        policy = sample_policy(POLICY)
        service = Service(tmp_path, fake, policy, clock)
        service.worker.handlers.start()  # as a starting worker does: schedule the periodic jobs
        return service, fake

    return make


def puts_at(fake, ticket_id: int) -> list[float]:
    return [round((r.when - START.timestamp()) / 60) for r in fake.seen("PUT", ticket_id) if r.status == 200]


@pytest.mark.parametrize("schedule_failures", [0, 1, 3])
def test_a_ticket_seen_before_the_schedule_is_known_is_planned_once_it_is(world, schedule_failures):
    service, fake = world(schedule_failures)
    service.work()  # the first start: the schedule read fails (or not), the feed plans, the sweep lists
    service.minutes(65)
    answers = [r.status for r in fake.seen("GET") if r.path == SCHEDULES]
    assert answers[: schedule_failures + 1] == [500] * schedule_failures + [200]
    assert puts_at(fake, 1) == [30, 60]  # warned 30 min before 10:00 UTC, escalated at it
    assert "first reply target breached" in fake.puts(1)[-1]["ticket"]["comment"]["body"]


def test_the_schedule_read_before_the_feed_plans_at_once(world):
    service, fake = world(0)
    service.work()
    assert any(r.payload.get("kind") == "sla_breach" for r in service.inbox.rows(limit=1000))
