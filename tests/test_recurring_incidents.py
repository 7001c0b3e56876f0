"""Recurring incidents end to end: the periodic check's one search, the newest ticket escalated through the
real worker, what Zendesk received, and a run handled once across checks, restarts and workers.
"""

from datetime import datetime, timedelta, timezone

import pytest

from conftest import SAMPLES
from fake_search import SearchEndpoints
from fake_zendesk import FakeZendesk
from service import Clock, Service
from zendesk_escalator.policy_file import parse_policy

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
RECURRING = """
[recurring]
count = 3
within = "7d"
check_every = "10m"
"""
ORG, OTHER_ORG, LEVEL = 509974, 777, 360010000002


def ticket(ticket_id: int, days_ago: float, priority: str = "high", org: int | None = ORG,
           status: str = "open") -> dict:
    stamp = (START - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"ticket": {"id": ticket_id, "status": status, "priority": priority, "organization_id": org,
                       "subject": f"Checkout fails ({ticket_id})", "group_id": 98738, "assignee_id": 235323,
                       "requester_id": 20978392, "tags": [], "follower_ids": [], "collaborator_ids": [],
                       "email_cc_ids": [], "created_at": stamp, "updated_at": stamp, "custom_fields": []}}


@pytest.fixture
def world(tmp_path):
    made = []

    def make(tickets, extra=RECURRING):
        clock = Clock(START)
        fake = FakeZendesk({t["ticket"]["id"]: t for t in tickets}, endpoints=[SearchEndpoints()],
                           clock=lambda: clock().timestamp()).start()
        made.append(fake)
        policy = parse_policy((SAMPLES / "policy.toml").read_text() + extra)
        return policy, clock, fake

    yield make
    for fake in made:
        fake.stop()


def started(tmp_path, policy, clock, fake) -> Service:
    service = Service(tmp_path, fake, policy, clock)
    service.worker.handlers.start()  # as a starting worker does: schedule the periodic jobs
    return service


def searches(fake) -> list:
    return [r for r in fake.seen("GET") if r.path == "/api/v2/search/export.json"]


def test_the_newest_of_a_run_is_escalated_once_with_the_run_in_its_note(world, tmp_path):
    policy, clock, fake = world([ticket(101, 6), ticket(102, 3), ticket(103, 0.5), ticket(104, 8),
                                 ticket(105, 1, priority="normal"), ticket(106, 1, org=OTHER_ORG)])
    service = started(tmp_path, policy, clock, fake)
    service.work()
    assert [r.path for r in fake.seen("PUT")] == ["/api/v2/tickets/103.json"]
    update = fake.puts(103)[0]["ticket"]
    assert {"id": LEVEL, "value": 2} in update["custom_fields"] and "escalated" in update["tags"]
    note = update["comment"]
    assert note["public"] is False
    assert "3 urgent/high tickets from organization 509974 within 7 d; this one is the newest:" in note["body"]
    for related in (101, 102, 103):
        assert f"#{related} (high, created " in note["body"]
    assert "#104" not in note["body"] and "#105" not in note["body"]
    query = searches(fake)[0].query
    assert query["query"] == "created>2026-11-15 priority>normal" and query["filter[type]"] == "ticket"

    for _ in range(3):  # later checks, a restart, a second worker: the same run, nothing more
        clock.advance(600)
        service.work()
    started(tmp_path, policy, clock, fake).work()
    assert len(fake.seen("PUT")) == 1 and len(searches(fake)) == 4


def test_a_new_ticket_makes_a_new_run_whose_newest_is_escalated(world, tmp_path):
    policy, clock, fake = world([ticket(101, 6), ticket(102, 3), ticket(103, 0.5)])
    service = started(tmp_path, policy, clock, fake)
    service.work()
    fake.tickets[104] = ticket(104, 0)["ticket"]
    clock.advance(600)
    service.work()
    assert [r.path for r in fake.seen("PUT")] == ["/api/v2/tickets/103.json", "/api/v2/tickets/104.json"]
    assert "4 urgent/high tickets" in fake.puts(104)[0]["ticket"]["comment"]["body"]


def test_a_newest_ticket_solved_before_its_turn_is_left_alone(world, tmp_path):
    policy, clock, fake = world([ticket(101, 6), ticket(102, 3), ticket(103, 0.5)])
    service = started(tmp_path, policy, clock, fake)
    fake.tickets[103]["status"] = "solved"  # between the search and the worker's read
    service.work()
    assert fake.seen("PUT") == []
    assert any(r["status"] == "no_action" for r in service.results() if r)


def test_without_the_table_no_search_is_made(world, tmp_path):
    policy, clock, fake = world([ticket(101, 6), ticket(102, 3), ticket(103, 0.5)], extra="")
    started(tmp_path, policy, clock, fake).work()
    assert searches(fake) == [] and fake.seen("PUT") == []
