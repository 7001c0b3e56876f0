"""Recurring incidents end to end: the periodic check's one search, the newest ticket escalated through the
real worker, what Zendesk received, and a run handled once across checks, restarts and workers; only the
priorities people set count (the service's own raises do not), a ticket in an open escalation is not escalated
again as recurring, and an organization's run escalates once per window however it grows.
"""

from datetime import datetime, timedelta, timezone

import pytest
from conftest import LIFECYCLE, sample, sample_policy
from support.fake_audits import AuditEndpoints
from support.fake_search import SearchEndpoints
from support.fake_zendesk import FakeZendesk
from support.service import AGENT, CUSTOMER, ESCALATION_DESK, Clock, Service, comment_event
from support.zendesk_records import listed_ticket

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
RECURRING = """
[recurring]
count = 3
within = "7d"
check_every = "10m"
"""
ORG, OTHER_ORG, LEVEL = 509974, 777, 360010000002


def ticket(
    ticket_id: int, days_ago: float, priority: str = "high", org: int | None = ORG, status: str = "open"
) -> dict:
    return listed_ticket(
        ticket_id,
        START - timedelta(days=days_ago),
        status=status,
        priority=priority,
        tags=(),
        organization_id=org,
        subject=f"Checkout fails ({ticket_id})",
        without=("generated_timestamp",),
    )


@pytest.fixture
def world(tmp_path, made):
    def make(tickets, extra=RECURRING):
        clock = Clock(START)
        fake = FakeZendesk(
            {t["ticket"]["id"]: t for t in tickets},
            endpoints=[SearchEndpoints(), AuditEndpoints()],
            users=sample("comments_cc.json")["users"],
            clock=lambda: clock().timestamp(),
        ).start()
        made.append(fake)
        policy = sample_policy(extra)
        return policy, clock, fake

    return make


def started(tmp_path, policy, clock, fake) -> Service:
    service = Service(tmp_path, fake, policy, clock)
    service.worker.handlers.start()  # as a starting worker does: schedule the periodic jobs
    return service


def searches(fake) -> list:
    return [r for r in fake.seen("GET") if r.path == "/api/v2/search/export.json"]


def test_the_newest_of_a_run_is_escalated_once_with_the_run_in_its_note(world, tmp_path):
    policy, clock, fake = world(
        [
            ticket(101, 6),
            ticket(102, 3),
            ticket(103, 0.5),
            ticket(104, 8),
            ticket(105, 1, priority="normal"),
            ticket(106, 1, org=OTHER_ORG),
        ]
    )
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


def recurring_puts(fake) -> list[int]:
    """The tickets the recurring rule escalated, in order."""
    return [
        int(r.path.split("/")[-1].split(".")[0])
        for r in fake.seen("PUT")
        if r.status == 200 and "rule recurring_incidents" in r.body["ticket"].get("comment", {}).get("body", "")
    ]


def audit_reads(fake) -> list[str]:
    return [r.path for r in fake.seen("GET") if r.path.endswith("/audits.json")]


def test_a_run_that_grows_within_the_window_is_the_same_run(world, tmp_path):
    policy, clock, fake = world([ticket(101, 6), ticket(102, 3), ticket(103, 0.5)])
    service = started(tmp_path, policy, clock, fake)
    service.work()
    fake.tickets[104] = ticket(104, 0)["ticket"]  # the run grows by one ticket a minute later ...
    clock.advance(600)
    service.work()
    assert recurring_puts(fake) == [103]  # ... and is not escalated again
    clock.advance(6 * 86400)  # 101 to 104 still within 7 days of 104, the organization escalated 6 days ago
    fake.tickets[105] = ticket(105, -6)["ticket"]
    service.work()
    assert recurring_puts(fake) == [103]
    clock.advance(86400)  # 7 days after that escalation: 105 and two new ones make a run of their own
    fake.tickets[106], fake.tickets[107] = ticket(106, -6.5)["ticket"], ticket(107, -7)["ticket"]
    service.work()
    assert recurring_puts(fake) == [103, 107]
    assert audit_reads(fake) == []  # no ticket of theirs was escalated by the service but the run's own


def cc_escalate(service, fake, ticket_id: int) -> None:
    """The customer CCs the escalation desk in a reply; the service escalates the ticket (priority floor: high)."""
    via = {
        "channel": "email",
        "source": {
            "from": {"address": "dana@customer.example", "name": "Dana Customer"},
            "to": {"address": "support@acme.example", "email_ccs": [ESCALATION_DESK]},
        },
    }
    reply = fake.add_comment(ticket_id, CUSTOMER, "Looping in our escalation desk: checkout fails again.", via=via)
    assert service.post(comment_event(ticket_id, reply, CUSTOMER, False, f"cc-{ticket_id}", tags=())).status_code == 202
    service.work()
    assert "rule customer_cc" in fake.puts(ticket_id)[-1]["ticket"]["comment"]["body"]


def test_priorities_the_service_raised_itself_make_no_run(world, tmp_path):
    """Three CC escalations of one organization, each raised to high by the service: no recurring escalation."""
    policy, clock, fake = world(
        [ticket(101, 6, "normal"), ticket(102, 3, "normal"), ticket(103, 0.5, "normal")], RECURRING + LIFECYCLE
    )
    service = started(tmp_path, policy, clock, fake)
    service.work()
    for ticket_id in (101, 102, 103):
        cc_escalate(service, fake, ticket_id)
        assert fake.tickets[ticket_id]["priority"] == "high"
    for _ in range(2):
        clock.advance(600)
        service.work()
    assert recurring_puts(fake) == []
    # Each was escalated by the service: its audits tell who set its priority, read once while it is unchanged.
    assert sorted(audit_reads(fake)) == [f"/api/v2/tickets/{i}/audits.json" for i in (101, 102, 103)]
    fake.set_priority(102, "urgent", AGENT)  # an agent's own call counts ...
    fake.set_priority(103, "high", AGENT)  # ... while setting the value the service set changes nothing
    clock.advance(600)
    service.work()
    assert recurring_puts(fake) == [] and len(audit_reads(fake)) == 5
    fake.tickets[104] = ticket(104, 0, "urgent")["ticket"]  # the customer's own urgent ticket
    clock.advance(600)
    service.work()
    assert recurring_puts(fake) == []  # 102 and 104: two of three


def test_a_ticket_in_an_open_escalation_is_not_escalated_again_as_recurring(world, tmp_path):
    policy, clock, fake = world([ticket(101, 6), ticket(102, 3), ticket(103, 0.5)], RECURRING + LIFECYCLE)
    service = started(tmp_path, policy, clock, fake)
    fake.tickets[103]["priority"] = "normal"
    service.work()  # the first check: two high tickets
    fake.set_priority(103, "high", CUSTOMER)  # the customer's web form
    cc_escalate(service, fake, 103)
    clock.advance(600)
    service.work()
    assert recurring_puts(fake) == [] and len(fake.puts(103)) == 1
    fake.tickets[104] = ticket(104, -0.01)["ticket"]  # the next one, in no escalation: the run is its to carry
    clock.advance(600)
    service.work()
    assert recurring_puts(fake) == [104]


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


def test_the_audits_read_are_bounded_each_check_and_the_run_waits_until_all_are_told(world, tmp_path):
    """25 tickets an earlier release escalated (its tags, no record), high as their customers made them."""
    earlier = [ticket(200 + n, 6 - n / 10) for n in range(25)]
    for raw in earlier:
        raw["ticket"]["tags"] = ["escalated", "escalation_level_1"]
    policy, clock, fake = world(earlier + [ticket(300, 0.1)])
    service = started(tmp_path, policy, clock, fake)
    service.work()
    assert len(audit_reads(fake)) == 20 and recurring_puts(fake) == []  # 5 not told yet: the run waits
    clock.advance(600)
    service.work()
    assert len(audit_reads(fake)) == 25 and recurring_puts(fake) == [300]  # its newest, not a told one
    assert "26 urgent/high tickets" in fake.puts(300)[0]["ticket"]["comment"]["body"]
