"""The recurring-incidents check (worker/recurring; named apart from tests/core/escalation/test_recurring.py): its
search, the referral rows it leaves in the inbox, the audits it reads for tickets the service escalated, and an
organization's last referral; against the fake Zendesk's search and audits. (The referral escalating the ticket,
through the real worker, is tests/scenarios/test_recurring_incidents.py.)"""

import logging
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from conftest import sample_policy
from support.fake_audits import AuditEndpoints
from support.fake_search import SearchEndpoints
from support.fake_zendesk import INTEGRATION_USER, FakeZendesk
from support.service import AGENT, Clock
from support.sla_world import client_on

from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, Episode, Step
from zendesk_escalator.core.notification import Notification
from zendesk_escalator.store.escalations import Escalations
from zendesk_escalator.worker import recurring as recurring_module
from zendesk_escalator.worker.recurring import LAST_RUN, RecurringCheck

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
RECURRING = '\n[recurring]\ncount = 3\nwithin = "7d"\ncheck_every = "10m"\n'
ORG, OTHER_ORG = 509974, 777


def ticket(ticket_id: int, days_ago: float, priority: str = "high", org: int | None = ORG, tags=()) -> dict:
    stamp = (START - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "ticket": {
            "id": ticket_id,
            "status": "open",
            "priority": priority,
            "organization_id": org,
            "subject": f"Checkout fails ({ticket_id})",
            "requester_id": 20978392,
            "tags": list(tags),
            "created_at": stamp,
            "updated_at": stamp,
            "custom_fields": [],
        }
    }


@pytest.fixture
def clock():
    return Clock(START)


@pytest.fixture
def world(inbox, clock, made):
    """The fake with these tickets (search and audits), and the check on the inbox."""

    def make(tickets: list[dict], extra: str = RECURRING) -> tuple[FakeZendesk, RecurringCheck]:
        fake = FakeZendesk(
            {t["ticket"]["id"]: t for t in tickets},
            endpoints=[SearchEndpoints(), AuditEndpoints()],
            clock=lambda: clock().timestamp(),
        ).start()
        made.append(fake)
        return fake, RecurringCheck(client_on(fake), inbox, sample_policy(extra), clock)

    return make


def referrals(inbox) -> list:
    return [r for r in inbox.rows(limit=10_000) if r.kind == "notification"]


def searched(fake) -> list[dict]:
    return [r.query for r in fake.seen("GET") if r.path == "/api/v2/search/export.json"]


def audit_reads(fake) -> list[str]:
    return [r.path for r in fake.seen("GET") if r.path.endswith("/audits.json")]


def test_a_run_is_referred_to_its_newest_ticket_as_one_notification_row(world, inbox, clock):
    fake, check = world(
        [ticket(101, 6), ticket(102, 3), ticket(103, 0.5), ticket(104, 1, priority="normal"), ticket(105, 1, org=None)]
    )
    result = check.run({})
    assert searched(fake) == [
        {"query": "created>2026-11-15 priority>normal", "filter[type]": "ticket", "page[size]": "1000"}
    ]
    (row,) = referrals(inbox)
    assert (row.dedupe_key, row.ticket_id, row.run_at) == (f"recurring:{ORG}:103", 103, START.timestamp())
    referral = Notification.from_dict(row.payload).referral
    assert (referral.kind, referral.data["organization_id"]) == ("recurring_incidents", ORG)
    assert [i["id"] for i in referral.data["incidents"]] == [101, 102, 103]
    assert result.detail == "4 candidate ticket(s), 1 run(s), 1 new, 0 audit read(s)" and result.next_in is None
    assert check.cursors.get(f"{LAST_RUN}{ORG}") is not None


def test_a_run_already_referred_is_not_referred_again_while_it_grows(world, inbox, clock):
    fake, check = world([ticket(101, 6), ticket(102, 3), ticket(103, 0.5)])
    check.run({})
    fake.tickets[104] = ticket(104, 0)["ticket"]
    clock.advance(600)
    assert check.run({}).detail == "4 candidate ticket(s), 0 run(s), 0 new, 0 audit read(s)"
    assert [r.dedupe_key for r in referrals(inbox)] == [f"recurring:{ORG}:103"]


@pytest.mark.parametrize(
    "status, result, again",
    [
        ("done", {"status": "escalated"}, False),
        ("done", {"status": "no_action"}, True),  # the newest was solved meanwhile: the run is still to carry
        ("done", {"status": "ticket_gone"}, True),
        ("dead", None, True),
    ],
)
def test_a_referral_that_came_to_nothing_does_not_hold_back_the_next_run(world, inbox, clock, status, result, again):
    fake, check = world([ticket(101, 6), ticket(102, 3), ticket(103, 0.5)])
    check.run({})
    rows = inbox.claim("w", clock().timestamp(), 60)
    if status == "dead":
        inbox.bury(rows, "w", clock().timestamp(), "TicketNotFound")
    else:
        inbox.complete(rows, "w", clock().timestamp(), result)
    fake.tickets[104] = ticket(104, 0)["ticket"]
    clock.advance(600)
    check.run({})
    assert [r.dedupe_key for r in referrals(inbox)][1:] == ([f"recurring:{ORG}:104"] if again else [])


def test_a_newest_ticket_in_an_open_escalation_is_not_referred(world, inbox, clock):
    fake, check = world([ticket(101, 6), ticket(102, 3), ticket(103, 0.5, tags=["escalated"])])
    fake.set_priority(103, "high", AGENT)  # people's priority (the audits tell), the ticket escalated by us
    escalations = Escalations(inbox.database)
    opened = escalations.save(
        Episode(103, ACTIVE, START, 1, "manual", "manual", history=(Step(START, ACTIVE, 1, "x"),)), START
    )
    assert check.run({}).detail.endswith("0 run(s), 0 new, 1 audit read(s)")
    escalations.save(replace(opened, state=CLOSED, closed_at=START), START)  # closed: the run is its to carry
    clock.advance(600)
    assert check.run({}).detail.endswith("1 run(s), 1 new, 0 audit read(s)")  # unchanged: told already


def test_a_priority_the_service_raised_is_no_incident_of_a_run(world, inbox, clock):
    fake, check = world([ticket(101, 6), ticket(102, 3), ticket(103, 0.5, priority="normal", tags=["escalated"])])
    fake.set_priority(103, "high", INTEGRATION_USER)  # our own escalation raised it
    assert check.run({}).detail == "3 candidate ticket(s), 0 run(s), 0 new, 1 audit read(s)"
    assert audit_reads(fake) == ["/api/v2/tickets/103/audits.json"]
    clock.advance(600)
    check.run({})
    assert len(audit_reads(fake)) == 1  # the ticket unchanged: its people's priority is known
    fake.set_priority(103, "urgent", AGENT)  # an agent's own call counts
    clock.advance(600)
    assert check.run({}).detail == "3 candidate ticket(s), 1 run(s), 1 new, 1 audit read(s)"
    assert [r.ticket_id for r in referrals(inbox)] == [103]


def test_without_the_integration_user_a_ticket_the_service_escalated_is_not_counted(world, inbox):
    fake, check = world([ticket(101, 6), ticket(102, 3), ticket(103, 0.5, tags=["escalated"])])
    check.policy = replace(check.policy, integration_user_id=None)  # nothing tells our changes from people's
    assert check.run({}).detail == "3 candidate ticket(s), 0 run(s), 0 new, 0 audit read(s)"
    assert audit_reads(fake) == []


def test_the_search_follows_its_pages_up_to_its_bound(world, inbox, monkeypatch, caplog):
    monkeypatch.setattr(recurring_module, "PAGE", 2)
    monkeypatch.setattr(recurring_module, "MAX_PAGES", 2)
    fake, check = world([ticket(101 + n, 6 - n, org=OTHER_ORG if n == 4 else ORG) for n in range(5)])
    with caplog.at_level(logging.WARNING):
        result = check.run({})
    assert [q.get("page[after]") for q in searched(fake)] == [None, "2"]
    assert "more than 4 tickets match" in caplog.text
    assert result.detail.startswith("4 candidate ticket(s), 1 run(s)")
    assert [r.dedupe_key for r in referrals(inbox)] == [f"recurring:{ORG}:104"]
