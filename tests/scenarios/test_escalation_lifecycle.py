"""The escalation lifecycle end to end in one process: signed webhooks in, the real worker, the fake Zendesk's
received JSON out, time injected; the episode record in the store checked along the way.
"""

import copy
from datetime import datetime, timedelta, timezone

import pytest
from conftest import LIFECYCLE, sample, sample_policy
from support.fake_audits import AuditEndpoints
from support.fake_zendesk import FakeZendesk
from support.service import AGENT, CUSTOMER, TICKET, Clock, Service, comment_event

from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, MONITORING
from zendesk_escalator.store.escalations import Escalations

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
STATUS, LEVEL = 360010000001, 360010000002


@pytest.fixture
def world(tmp_path, made):
    def make(extra=LIFECYCLE, ticket_changes=None):
        clock = Clock(START)
        comments = sample("comments_cc.json")
        fake = FakeZendesk(
            {TICKET: sample("ticket_cc.json")},
            {TICKET: comments["comments"]},
            users=comments["users"],
            endpoints=[AuditEndpoints()],
            clock=lambda: clock().timestamp(),
        ).start()
        fake.tickets[TICKET].update(ticket_changes or {"email_cc_ids": [], "collaborator_ids": []})
        policy = sample_policy(extra)
        made.append(fake)
        return Service(tmp_path, fake, policy, clock), fake

    return make


def escalate_by_cc(service, fake):
    """The customer's reply CCs the escalation desk: the ticket is escalated."""
    cc = copy.deepcopy(sample("comments_cc.json")["comments"][-1])
    written = fake.add_comment(TICKET, CUSTOMER, "Please escalate.", via=cc["via"])
    service.post(
        comment_event(TICKET, written, CUSTOMER, False, f"e-{written['id']}", tags=fake.tickets[TICKET]["tags"])
    )
    service.work()


def status_event(fake, status: str, actor: int = AGENT) -> dict:
    body = copy.deepcopy(sample("event_comment_added.json"))
    body.update(
        id=f"s-{status}-{len(fake.requests)}-{fake.clock()}",
        type="zen:event-type:ticket.status_changed",
        event={"current": status.upper(), "previous": None},
    )
    body["detail"].update(status=status.upper(), actor_id=str(actor), tags=fake.tickets[TICKET]["tags"])
    return body


def tags_event(fake, added: str) -> dict:
    body = copy.deepcopy(sample("event_comment_added.json"))
    fake.tickets[TICKET]["tags"].append(added)
    fake.changed(fake.tickets[TICKET])
    body.update(
        id=f"t-{added}-{len(fake.requests)}",
        type="zen:event-type:ticket.tags_changed",
        event={"tags_added": [added], "tags_removed": []},
    )
    body["detail"].update(actor_id=str(AGENT), tags=fake.tickets[TICKET]["tags"])
    return body


def field(fake, field_id):
    return {f["id"]: f["value"] for f in fake.tickets[TICKET]["custom_fields"]}.get(field_id)


def notes(fake) -> list[str]:
    return [
        r.body["ticket"]["comment"]["body"]
        for r in fake.seen("PUT", TICKET)
        if r.status == 200 and "comment" in r.body["ticket"]
    ]


def episode(service):
    return Escalations(service.inbox.database).current(TICKET)


def test_escalated_then_solved_then_monitored_then_closed_with_a_review(world):
    service, fake = world()
    escalate_by_cc(service, fake)
    opened = notes(fake)[-1]
    assert "Escalation owner: user 900000000031" in opened and "a public update to the customer every 2 h" in opened
    assert {"user_id": 900000000031, "action": "put"} in fake.puts(TICKET)[-1]["ticket"]["followers"]
    service.clock.advance(30 * 60)
    fake.add_comment(TICKET, AGENT, "We are on it, restarting the service now.")
    service.clock.advance(30 * 60)
    fake.set_status(TICKET, "solved", AGENT)
    service.post(status_event(fake, "solved"))
    service.work()
    assert field(fake, STATUS) == "escalation_monitoring" and "Escalation monitoring" in notes(fake)[-1]
    assert episode(service).state == MONITORING
    service.at(START + timedelta(hours=1, days=3, minutes=1))
    service.work()
    review = notes(fake)[-1]
    assert review.startswith(f"Post-escalation review of ticket #{TICKET}")
    assert "First agent response after the escalation: 2026-11-23 09:30 UTC (30 min after)" in review
    assert "Solved: 2026-11-23 10:00 UTC; reopened 0 time(s)" in review
    assert "Time in escalation: 1 h until solved" in review and "To avoid the next one" in review
    assert field(fake, STATUS) == "escalation_closed" and "escalated" not in fake.tickets[TICKET]["tags"]
    closed = episode(service)
    assert closed.state == CLOSED and closed.review == review
    assert [s.state for s in closed.history] == [ACTIVE, MONITORING, CLOSED]


def test_a_customer_reply_while_monitoring_re_escalates_with_the_same_owner(world):
    service, fake = world()
    escalate_by_cc(service, fake)
    fake.set_status(TICKET, "solved", AGENT)
    service.post(status_event(fake, "solved"))
    service.work()
    service.clock.advance(3600)
    again = fake.add_comment(TICKET, CUSTOMER, "It is broken again.")  # Zendesk reopens the ticket
    assert fake.tickets[TICKET]["status"] == "open"
    service.post(comment_event(TICKET, again, CUSTOMER, False, "e-again", tags=fake.tickets[TICKET]["tags"]))
    service.work()
    assert notes(fake)[-1].startswith("Re-escalated: the ticket was reopened during monitoring")
    assert field(fake, STATUS) == "escalation_active"
    current = episode(service)
    assert (current.state, current.owner_id) == (ACTIVE, 900000000031)
    assert [s.cause for s in current.history] == ["escalated", "solved", "reopened"]
    service.at(START + timedelta(days=4))
    service.work()  # the old monitoring end finds the escalation active again: nothing
    assert not notes(fake)[-1].startswith("Post-escalation review")


def test_de_escalation_needs_an_agent_note_with_the_customers_agreement(world):
    service, fake = world()
    escalate_by_cc(service, fake)
    service.post(tags_event(fake, "deescalate"))
    service.work()
    assert notes(fake)[-1].startswith("De-escalation not done: it needs an internal note from the agent")
    assert "deescalate" not in fake.tickets[TICKET]["tags"] and episode(service).state == ACTIVE
    fake.add_comment(TICKET, AGENT, "Called Dana: customer agreed to de-escalate, fix confirmed.", public=False)
    service.post(tags_event(fake, "deescalate"))
    service.work()
    assert notes(fake)[-1].startswith("Post-escalation review") and episode(service).state == CLOSED
    assert "deescalated: comment #" in notes(fake)[-1] and field(fake, STATUS) == "escalation_closed"


def test_missed_updates_bring_reminders_then_the_next_level(world):
    service, fake = world()
    escalate_by_cc(service, fake)
    for hours in (2, 4):
        service.at(START + timedelta(hours=hours, minutes=1))
        service.work()
    first, second = notes(fake)[-2:]
    assert first.startswith("Communication plan: no public update to the customer since 2026-11-23 09:00 UTC")
    assert "2 missed in a row: escalated to level 2" in second and field(fake, LEVEL) == 2
    added = {f["user_id"] for body in fake.puts(TICKET) for f in body["ticket"].get("followers", [])}
    assert added == {900000000031, 900000000012}  # the owner, then level 2's lead; 011 followed already
    assert {900000000011, 900000000012, 900000000031} <= set(fake.tickets[TICKET]["follower_ids"])


def test_a_solve_no_webhook_told_of_starts_monitoring_at_the_next_moment_instead_of_a_reminder(world):
    service, fake = world()
    escalate_by_cc(service, fake)
    fake.set_status(TICKET, "solved", AGENT)  # no trigger called the service
    service.at(START + timedelta(hours=2, minutes=1))
    service.work()
    assert notes(fake)[-1].startswith("Escalation monitoring: the ticket is solved")
    assert episode(service).state == MONITORING and field(fake, STATUS) == "escalation_monitoring"


def test_an_update_in_time_moves_the_plan_on_without_a_note(world):
    service, fake = world()
    escalate_by_cc(service, fake)
    service.at(START + timedelta(hours=1, minutes=30))
    fake.add_comment(TICKET, AGENT, "Update: the fix is being deployed.")
    service.at(START + timedelta(hours=2, minutes=1))
    service.work()
    assert len(notes(fake)) == 1  # no reminder: the customer heard from us at 10:30
    service.at(START + timedelta(hours=3, minutes=31))
    service.work()
    assert notes(fake)[-1].startswith("Communication plan: no public update to the customer since 2026-11-23 10:30 UTC")


def test_evidence_used_by_a_closed_escalation_never_opens_another_but_new_evidence_does(world):
    service, fake = world(ticket_changes={"email_cc_ids": [30000001]})  # the desk stays CC'd on the ticket
    escalate_by_cc(service, fake)
    fake.add_comment(TICKET, AGENT, "customer agreed to de-escalate", public=False)
    service.post(tags_event(fake, "deescalate"))
    service.work()
    assert episode(service).state == CLOSED
    closed_puts = len(fake.puts(TICKET))
    service.post(tags_event(fake, "vip"))  # any change: the old CC is still there
    plain = fake.add_comment(TICKET, CUSTOMER, "Thanks!")
    service.post(comment_event(TICKET, plain, CUSTOMER, False, "e-thanks", tags=fake.tickets[TICKET]["tags"]))
    service.work()
    assert len(fake.puts(TICKET)) == closed_puts  # not escalated again on old evidence
    escalate_by_cc(service, fake)  # a new request, to the desk again
    assert len(fake.puts(TICKET)) == closed_puts + 1 and episode(service).state == ACTIVE


def test_redelivered_webhooks_and_a_second_worker_take_each_step_once(world, tmp_path):
    service, fake = world()
    other = Service(tmp_path, fake, service.policy, service.clock)
    escalate_by_cc(service, fake)
    fake.set_status(TICKET, "solved", AGENT)
    solved = status_event(fake, "solved")
    for _ in range(3):
        service.post(solved)  # Zendesk's redelivery: one row
    other.post({**solved, "id": solved["id"] + "-2"})  # another event about the same change
    other.work(), service.work()
    assert sum(note.startswith("Escalation monitoring") for note in notes(fake)) == 1
    service.at(START + timedelta(days=3, minutes=5))
    other.work(), service.work()
    assert sum(note.startswith("Post-escalation review") for note in notes(fake)) == 1


def test_a_restarted_worker_keeps_the_plan_a_killed_one_made(world, tmp_path):
    service, fake = world()
    escalate_by_cc(service, fake)
    service.close()  # the worker is gone; its timers are in the store
    restarted = Service(tmp_path, fake, service.policy, service.clock)
    restarted.at(START + timedelta(hours=2, minutes=1))
    restarted.work()
    assert notes(fake)[-1].startswith("Communication plan: no public update to the customer since 2026-11-23 09:00 UTC")
    assert episode(restarted).missed_updates == 1


def test_a_closed_ticket_gets_its_review_in_a_follow_up_ticket_where_the_policy_asks(world):
    service, fake = world(LIFECYCLE.replace('monitoring = "3d"', 'monitoring = "3d"\nreview_followup = true'))
    escalate_by_cc(service, fake)
    fake.set_status(TICKET, "solved", AGENT)
    service.post(status_event(fake, "solved"))
    service.work()
    fake.set_status(TICKET, "closed", AGENT)
    service.at(START + timedelta(days=3, minutes=5))
    service.work()
    (created,) = [r for r in fake.seen("POST") if r.path == "/api/v2/tickets.json"]
    followup = created.body["ticket"]
    assert followup["via_followup_source_id"] == TICKET and followup["assignee_id"] == 900000000031
    assert followup["comment"]["public"] is False and followup["comment"]["body"] == episode(service).review
    assert followup["subject"] == f"Post-escalation review of #{TICKET}: Dashboard down"
    assert created.headers["idempotency-key"] == f"zendesk-escalator-review-{episode(service).id}"


def test_the_note_lists_the_request_checklist_and_one_public_reply_asks_for_what_is_missing(world):
    service, fake = world(LIFECYCLE + "\n[checklist]\nask_customer = true\n")
    escalate_by_cc(service, fake)
    escalation, reply = [body["ticket"] for body in fake.puts(TICKET)]
    assert "Escalation request checklist: 2 of 8 items present." in escalation["comment"]["body"]
    assert (
        "- Technical contact: phone number missing (found: Dana Customer; dana@customer.example)"
        in escalation["comment"]["body"]
    )
    assert "- Problem with steps to reproduce" in escalation["comment"]["body"]
    assert episode(service).missing[:2] == (  # the record keeps it for the sidebar app
        "Technical contact: phone number missing (found: Dana Customer; dana@customer.example)",
        "Affected application and environment",
    )
    assert reply == {"comment": {"public": True, "body": reply["comment"]["body"]}}
    assert reply["comment"]["body"].startswith("Hello,\n\nThank you for your escalation request.")
    assert "- the problem, with the steps to reproduce it" in reply["comment"]["body"]
    service.post(tags_event(fake, "vip"))
    service.work()
    assert len(fake.puts(TICKET)) == 2  # asked once
