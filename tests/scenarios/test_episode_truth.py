"""The episode decides, the ticket's fields and tags only mirror it and carry the agents' requests.

Signed webhooks into the app, the real worker against the fake Zendesk, assertions on
what Zendesk received: the status field's de-escalation, fields re-created with new ids
(through a recurring referral, a customer's CC and an SLA timer), tickets escalated
before the service kept records, and what a webhook's tags may screen out.
"""

import copy
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from conftest import LIFECYCLE, sample, sample_policy
from support.fake_audits import AuditEndpoints
from support.fake_search import SearchEndpoints
from support.fake_sla import SlaEndpoints
from support.fake_zendesk import FakeZendesk
from support.service import AGENT, CUSTOMER, TICKET, Clock, Service
from support.zendesk_records import listed_ticket

from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED
from zendesk_escalator.core.policy import FieldIds
from zendesk_escalator.store.escalations import Escalations

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
STATUS, LEVEL, REASON, AT = 360010000001, 360010000002, 360010000003, 360010000004
RECREATED = FieldIds(status=7000000001, level=7000000006, reason=7000000007, escalated_at=7000000008)
OPTIONS = ["escalation_active", "escalation_requested", "escalation_monitoring", "escalation_closed"]
LEVEL_3 = ["escalated", "escalation_level_3", "escalation_reason_security_breach", "escalation_active"]
RECURRING = '\n[recurring]\ncount = 3\nwithin = "7d"\ncheck_every = "10m"\n'
SLA = '\n[sla]\nwarn_before = "30m"\nbreach_level = 2\nrepeat_every = "1h"\n'


@pytest.fixture
def world(tmp_path, made):
    """The fake Zendesk (a drop-down status field, audits, search, an SLA clock) and the service on one clock."""

    def make(extra="", tickets=None, fields=None, **settings):
        clock, comments = Clock(START), sample("comments_cc.json")
        fake = FakeZendesk(
            tickets or {TICKET: sample("ticket_cc.json")},
            {TICKET: comments["comments"]},
            users=comments["users"],
            dropdowns={(fields or policy_fields()).status: OPTIONS},
            endpoints=[AuditEndpoints(), SearchEndpoints(), sla := SlaEndpoints()],
            clock=lambda: clock().timestamp(),
        ).start()
        made.append(fake)
        policy = sample_policy(extra)
        service = Service(tmp_path, fake, replace(policy, fields=fields) if fields else policy, clock, **settings)
        service.worker.handlers.start()  # as a starting worker does: schedule the periodic jobs
        return service, fake, sla

    return make


def policy_fields() -> FieldIds:
    return FieldIds(STATUS, LEVEL, REASON, AT)


def restarted(service: Service, tmp_path, fields: FieldIds) -> Service:
    """The admin re-created the fields and put their new ids in [fields]; the service restarts on its database."""
    service.close()
    again = Service(tmp_path, service.fake, replace(service.policy, fields=fields), service.clock)
    again.worker.handlers.start()
    return again


def trigger(fake, actor: int, role: str, hints: bool = True, ticket_id: int = TICKET) -> dict:
    """The body `setup`'s triggers send; without hints, only what the README says is required."""
    ticket = fake.tickets[ticket_id]
    body = {"ticket_id": str(ticket_id), "updated_at": ticket["updated_at"], "actor_id": str(actor), "actor_role": role}
    if hints:
        body |= {"tags": " ".join(ticket["tags"]), "status": ticket["status"], "priority": ticket["priority"]}
    return body


def field_event(fake, field_id: int) -> dict:
    """Zendesk's ticket.custom_field_changed event, as an agent's change of the field sends it."""
    body = copy.deepcopy(sample("event_comment_added.json"))
    body.update(
        id=f"f-{len(fake.requests)}",
        type="zen:event-type:ticket.custom_field_changed",
        event={"custom_field": {"id": str(field_id)}},
    )
    body["detail"].update(actor_id=str(AGENT), tags=fake.tickets[TICKET]["tags"], status="OPEN")
    return body


def notes(fake, ticket_id: int = TICKET) -> list[str]:
    return [body["ticket"]["comment"]["body"] for body in fake.puts(ticket_id) if "comment" in body["ticket"]]


def value(fake, field_id: int, ticket_id: int = TICKET):
    return {f["id"]: f["value"] for f in fake.tickets[ticket_id]["custom_fields"]}.get(field_id)


def episode(service, ticket_id: int = TICKET):
    return Escalations(service.inbox.database).current(ticket_id)


@pytest.mark.parametrize("channel", ["event", "trigger"])
@pytest.mark.parametrize("agreed", [True, False])
def test_the_status_field_set_to_closed_de_escalates_as_the_tag_does(world, channel, agreed):
    service, fake, _ = world(LIFECYCLE)  # the escalation desk stays CC'd on the ticket
    service.post(trigger(fake, CUSTOMER, "end-user"))
    service.work()
    escalated_at, escalations = value(fake, AT), len(fake.puts(TICKET))
    assert escalated_at and episode(service).state == ACTIVE
    service.clock.advance(600)
    if agreed:
        fake.add_comment(TICKET, AGENT, "Customer confirmed the fix works; ok to close the escalation.", public=False)
    fake.set_field(TICKET, STATUS, "escalation_closed")
    service.post(field_event(fake, STATUS) if channel == "event" else trigger(fake, AGENT, "agent"))
    service.work()
    assert len(fake.puts(TICKET)) == escalations + 1  # one answer, and no escalation on the CC still there
    assert not notes(fake)[-1].startswith("Escalated by") and value(fake, AT) == escalated_at
    if agreed:
        assert notes(fake)[-1].startswith("Post-escalation review") and episode(service).state == CLOSED
        assert value(fake, STATUS) == "escalation_closed" and "escalated" not in fake.tickets[TICKET]["tags"]
    else:
        assert notes(fake)[-1].startswith("De-escalation not done: it needs an internal note from the agent")
        assert value(fake, STATUS) == "escalation_active" and episode(service).state == ACTIVE
    service.post(trigger(fake, CUSTOMER, "end-user"))  # the customer writes again, the desk still CC'd
    service.work()
    assert len(fake.puts(TICKET)) == escalations + 1


def test_a_dry_run_plans_without_a_record_so_a_live_run_after_it_still_escalates(world, tmp_path):
    service, fake, _ = world(LIFECYCLE, dry_run=True)
    for _ in range(2):  # planned each time: nothing was done, so nothing is recorded as done
        service.post(trigger(fake, CUSTOMER, "end-user"))
        service.work()
        service.clock.advance(60)
        fake.touch(TICKET)  # the customer's next update
    assert [r["status"] for r in service.results() if r] == ["planned", "planned"]
    assert fake.puts(TICKET) == [] and episode(service) is None
    live = Service(tmp_path, fake, service.policy, service.clock)  # the same database, now live
    live.post(trigger(fake, CUSTOMER, "end-user"))
    live.work()
    assert notes(fake)[-1].startswith("Escalated by") and episode(live).state == ACTIVE


def test_without_lifecycle_an_agents_de_escalation_closes_the_episode_too(world):
    service, fake, _ = world()
    service.post(trigger(fake, CUSTOMER, "end-user"))
    service.work()
    fake.add_comment(TICKET, AGENT, "Customer agreed to de-escalate.", public=False)
    fake.set_field(TICKET, STATUS, "escalation_closed")
    service.post(field_event(fake, STATUS))
    service.work()
    assert notes(fake)[-1].startswith("Post-escalation review") and episode(service).state == CLOSED
    service.post(trigger(fake, CUSTOMER, "end-user"))  # the old CC is consumed evidence
    service.work()
    assert len(notes(fake)) == 2


def recurring_run(newest: dict) -> dict:
    """Two older high tickets of the newest one's organization: a run of three."""
    older = {}
    for ticket_id, days in ((101, 5), (102, 3)):
        ticket = copy.deepcopy(sample("ticket_cc.json"))
        ticket["ticket"].update(
            id=ticket_id,
            priority="high",
            tags=[],
            email_cc_ids=[],
            collaborator_ids=[],
            created_at=(START - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        older[ticket_id] = ticket
    return older | {TICKET: newest}


def escalated_by_an_earlier_release() -> dict:
    """Tags and the old fields say level 3; the service holds no record of it."""
    ticket = copy.deepcopy(sample("ticket_cc.json"))
    ticket["ticket"].update(
        priority="high",
        tags=["billing", *LEVEL_3],
        email_cc_ids=[],
        collaborator_ids=[],
        created_at=(START - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    ticket["ticket"]["custom_fields"][:4] = [
        {"id": STATUS, "value": "escalation_active"},
        {"id": LEVEL, "value": 3},
        {"id": REASON, "value": "security_breach"},
        {"id": AT, "value": "2026-11-23T04:00:00Z"},
    ]
    return ticket


def test_a_recurring_referral_adopts_an_earlier_escalation_read_through_re_created_fields(world):
    service, fake, _ = world(RECURRING, recurring_run(escalated_by_an_earlier_release()), RECREATED)
    service.work()  # the recurring check refers the run to its newest ticket, which is escalated at level 3
    assert any("/search/export.json" in r.path for r in fake.seen("GET"))
    assert fake.puts(TICKET) == []  # no second escalation, no level lowered to the rule's 2
    adopted = episode(service)
    assert (adopted.state, adopted.level, adopted.reason, adopted.history[0].cause) == (
        ACTIVE,
        3,
        "security_breach",
        "adopted",
    )
    assert adopted.opened_at == START  # the old "escalated at" is in the deleted field: adopted now


def test_a_customers_cc_on_a_ticket_whose_fields_were_re_created_does_not_escalate_it_again(world, tmp_path):
    service, fake, _ = world()
    fake.tickets[TICKET]["email_cc_ids"] = fake.tickets[TICKET]["collaborator_ids"] = []
    fake.tickets[TICKET]["tags"].append("security_breach")
    service.post(trigger(fake, AGENT, "agent"))
    service.work()  # escalated at level 3 under the old field ids
    first = fake.puts(TICKET)[-1]["ticket"]
    service = restarted(service, tmp_path, RECREATED)
    fake.add_comment(
        TICKET,
        CUSTOMER,
        "Any news? Looping in our escalation desk.",
        via=copy.deepcopy(sample("comments_cc.json")["comments"][-1]["via"]),
    )
    service.post(trigger(fake, CUSTOMER, "end-user", hints=False))  # a hand-made trigger: no tags to screen on
    service.work()
    assert len(fake.puts(TICKET)) == 1  # not escalated again at level 1, no "escalated at" rewritten
    fake.tickets[TICKET]["tags"].append("escalate")  # an agent asks: the answer repairs the new fields
    service.post(trigger(fake, AGENT, "agent"))
    service.work()
    repaired = fake.puts(TICKET)[-1]["ticket"]
    assert "already escalated at level 3 (security_breach)" in repaired["comment"]["body"]
    escalated_at = next(f["value"] for f in first["custom_fields"] if f["id"] == AT)
    assert repaired["custom_fields"] == [
        {"id": RECREATED.status, "value": "escalation_active"},
        {"id": RECREATED.level, "value": 3},
        {"id": RECREATED.reason, "value": "security_breach"},
        {"id": RECREATED.escalated_at, "value": escalated_at},
    ]


def test_an_sla_breach_moved_after_its_escalation_stays_quiet_through_re_created_fields(world, tmp_path):
    tickets = {1: listed_ticket(1, START, tags=())}
    service, fake, sla = world(SLA, tickets)
    sla.start_clock(fake, 1)  # urgent: the first reply is due at 10:00
    for _ in range(62):
        service.clock.advance(60)
        service.work()
    assert len(fake.puts(1)) == 2  # the warning at 09:30, the breach escalation at 10:00
    service = restarted(service, tmp_path, RECREATED)
    sla.start_clock(fake, 1, minutes=45, at=START.timestamp())  # Zendesk moved the breach (the priority rose)
    for _ in range(5):
        service.clock.advance(60)
        service.work()
    assert len(fake.puts(1)) == 2  # the breach was escalated once: its record says so, whatever the fields show


def test_an_agents_request_on_an_earlier_escalation_is_read_though_its_tags_screen_out_the_rest(world):
    service, fake, _ = world(LIFECYCLE, {TICKET: escalated_by_an_earlier_release()})
    fake.add_comment(
        TICKET,
        CUSTOMER,
        "Still broken, escalation desk in CC.",
        via=copy.deepcopy(sample("comments_cc.json")["comments"][-1]["via"]),
    )
    before = len(fake.requests)
    service.post(trigger(fake, CUSTOMER, "end-user"))  # its tags show level 3: a level-1 CC is screened out
    service.work()
    assert len(fake.requests) == before and episode(service) is None
    fake.tickets[TICKET]["tags"].append("escalate")
    service.post(trigger(fake, AGENT, "agent"))
    service.work()
    assert "already escalated at level 3 (security_breach)" in notes(fake)[-1]
    assert "escalate" not in fake.tickets[TICKET]["tags"] and episode(service).history[0].cause == "adopted"
    fake.add_comment(TICKET, AGENT, "Customer agreed to de-escalate.", public=False)
    fake.tickets[TICKET]["tags"].append("deescalate")
    service.post(trigger(fake, AGENT, "agent"))
    service.work()
    assert notes(fake)[-1].startswith("Post-escalation review") and episode(service).state == CLOSED


def test_a_second_de_escalation_without_agreement_is_refused_again_the_refusals_own_words_are_no_agreement(world):
    service, fake, _ = world(LIFECYCLE)
    service.post(trigger(fake, CUSTOMER, "end-user"))
    service.work()
    fake.tickets[TICKET]["tags"].append("deescalate")  # no agent's note of the customer's agreement
    service.post(trigger(fake, AGENT, "agent"))
    service.work()
    assert notes(fake)[-1].startswith("De-escalation not done") and '"customer agreed"' in notes(fake)[-1]
    fake.set_field(TICKET, STATUS, "escalation_closed")  # asked again, through the field, still no agreement
    service.post(field_event(fake, STATUS))
    service.work()
    assert notes(fake)[-1].startswith("De-escalation not done") and episode(service).state == ACTIVE


def test_an_agreed_close_uses_up_the_cc_the_ticket_showed_while_a_higher_rule_held_the_escalation(world):
    service, fake, _ = world()  # the escalation desk CC'd on the ticket
    fake.tickets[TICKET]["tags"].append("security_breach")
    service.post(trigger(fake, AGENT, "agent"))
    service.work()  # level 3 by the impact rule; the CC (level 1) was not what escalated it
    fake.add_comment(TICKET, AGENT, "Customer agreed to de-escalate.", public=False)
    fake.tickets[TICKET]["tags"].append("deescalate")
    service.post(trigger(fake, AGENT, "agent"))
    service.work()
    assert notes(fake)[-1].startswith("Post-escalation review") and episode(service).state == CLOSED
    fake.add_comment(TICKET, AGENT, "Glad it works again.")  # no new evidence: the same CC, the same tag
    service.post(trigger(fake, AGENT, "agent"))
    service.work()
    assert len(notes(fake)) == 2 and episode(service).state == CLOSED
