"""Zendesk closes a ticket on its own: the episode closes in the service, and no Zendesk answer makes a dead row.

The real worker against the fake Zendesk, which answers a closed ticket's update as Zendesk
does (422 "closed prevents ticket update") and takes its tags through Update Many Tickets.
"""

from datetime import datetime, timedelta, timezone

import pytest
from conftest import LIFECYCLE, sample, sample_policy
from support.fake_audits import AuditEndpoints
from support.fake_zendesk import UPDATE_MANY, FakeZendesk, Fault
from support.service import AGENT, CUSTOMER, TICKET, Clock, Service

from zendesk_escalator.core.lifecycle.episode import CLOSED
from zendesk_escalator.store.escalations import Escalations
from zendesk_escalator.store.schema import DEAD

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
CLOSED_TAGS = {"additional_tags": ["escalation_closed"], "remove_tags": ["escalated", "escalation_monitoring"]}


@pytest.fixture
def world(tmp_path, made):
    def make(extra=LIFECYCLE, fault=None):
        clock, comments = Clock(START), sample("comments_cc.json")
        fake = FakeZendesk(
            {TICKET: sample("ticket_cc.json")},
            {TICKET: comments["comments"]},
            users=comments["users"],
            endpoints=[AuditEndpoints()],
            fault=fault,
            clock=lambda: clock().timestamp(),
        ).start()
        made.append(fake)
        policy = sample_policy(extra)
        return Service(tmp_path, fake, policy, clock), fake

    return make


def customer_writes(service, fake) -> None:
    """The customer's reply, with the escalation desk CC'd on the ticket: escalated."""
    ticket = fake.tickets[TICKET]
    service.post(
        {
            "ticket_id": str(TICKET),
            "updated_at": ticket["updated_at"],
            "tags": " ".join(ticket["tags"]),
            "status": ticket["status"],
            "actor_id": str(CUSTOMER),
            "actor_role": "end-user",
        }
    )
    service.work()


def solved(service, fake) -> None:
    fake.set_status(TICKET, "solved", AGENT)
    ticket = fake.tickets[TICKET]
    service.post(
        {
            "ticket_id": str(TICKET),
            "updated_at": ticket["updated_at"],
            "tags": " ".join(ticket["tags"]),
            "status": "solved",
            "actor_id": str(AGENT),
            "actor_role": "agent",
        }
    )
    service.work()


def bulk_updates(fake) -> list:
    return [r for r in fake.seen("PUT") if r.path == UPDATE_MANY]


def episode(service):
    return Escalations(service.inbox.database).current(TICKET)


def test_zendesk_closing_a_ticket_during_monitoring_closes_the_episode_with_its_review_kept(world):
    service, fake = world()
    customer_writes(service, fake)
    solved(service, fake)
    puts_before = len(fake.seen("PUT", TICKET))
    fake.set_status(TICKET, "closed", AGENT)  # Zendesk's automation closed it before monitoring ended
    service.at(START + timedelta(days=3, minutes=5))
    service.work()
    assert len(fake.seen("PUT", TICKET)) == puts_before  # no update the closed ticket would refuse
    (bulk,) = bulk_updates(fake)
    assert (bulk.query, bulk.body, bulk.status) == ({"ids": str(TICKET)}, {"ticket": CLOSED_TAGS}, 200)
    assert "escalation_closed" in fake.tickets[TICKET]["tags"] and "escalated" not in fake.tickets[TICKET]["tags"]
    closed = episode(service)
    assert closed.state == CLOSED and closed.history[-1].cause == "closed_in_zendesk"
    assert closed.review.startswith(f"Post-escalation review of ticket #{TICKET}")
    assert Escalations(service.inbox.database).open_ones() == [] and service.inbox.counts()[DEAD] == 0


def test_an_active_escalation_zendesk_closed_unseen_closes_at_its_next_moment(world):
    service, fake = world()
    customer_writes(service, fake)
    fake.set_status(TICKET, "solved", AGENT)  # no webhook told of the solve ...
    fake.set_status(TICKET, "closed", AGENT)  # ... nor of Zendesk's close
    service.at(START + timedelta(hours=2, minutes=1))  # the communication plan's first moment
    service.work()
    assert episode(service).state == CLOSED and len(bulk_updates(fake)) == 1
    assert [r.status for r in fake.seen("PUT", TICKET)] == [200]  # the escalation only
    assert service.inbox.counts()[DEAD] == 0


class Armed:
    """A fault for the fake: once armed, the next update of the ticket meets `happen` first (Zendesk acting)."""

    def __init__(self, happen):
        self.happen, self.fake, self.armed = happen, None, False

    def __call__(self, method, path, count):
        if self.armed and method == "PUT" and path == f"/api/v2/tickets/{TICKET}.json":
            self.armed = False
            return self.happen(self.fake)
        return None


def zendesk_closes(fake) -> None:
    """Zendesk closes the ticket in the second of the service's read: the stamp still matches (no 409), and the
    update is refused with 422 "closed prevents ticket update"."""
    fake.tickets[TICKET]["status"] = "closed"


def test_a_ticket_closed_between_the_read_and_its_escalation_is_read_again_not_buried(world):
    armed = Armed(zendesk_closes)
    service, fake = world(fault=armed)
    armed.fake, armed.armed = fake, True
    customer_writes(service, fake)
    assert [r.status for r in fake.seen("PUT", TICKET)] == [422]  # refused once, then read again: closed
    assert service.inbox.counts()[DEAD] == 0 and service.results()[-1]["status"] == "no_action"


def test_a_ticket_closed_between_the_read_and_a_reminder_closes_the_episode(world):
    armed = Armed(zendesk_closes)
    service, fake = world(fault=armed)
    armed.fake = fake
    customer_writes(service, fake)
    armed.armed = True
    service.at(START + timedelta(hours=2, minutes=1))  # the reminder is due; Zendesk closes the ticket under it
    service.work()
    assert [r.status for r in fake.seen("PUT", TICKET)] == [200, 422] and len(bulk_updates(fake)) == 1
    assert episode(service).state == CLOSED and service.inbox.counts()[DEAD] == 0


def test_a_ticket_deleted_before_a_reminder_is_gone_not_buried(world):
    armed = Armed(lambda fake: Fault(404, {"error": "RecordNotFound", "description": "Not found"}))
    service, fake = world(fault=armed)
    customer_writes(service, fake)
    armed.armed = True
    service.at(START + timedelta(hours=2, minutes=1))
    service.work()
    assert service.inbox.counts()[DEAD] == 0 and service.results()[-1]["status"] == "ticket_gone"
