"""Real Zendesk behaviour that used to lose escalations, each as a scenario through the public surface.

Signed webhooks go into the real app, a real worker handles them, and the
assertions are on what the fake Zendesk received over HTTP and kept.
"""

import copy

import pytest
from conftest import sample
from support.service import AGENT, CUSTOMER, ESCALATION_DESK, TICKET, Service, cc_fake, comment_event

ESCALATION_STATUS, BILLING_GROUP = 360010000001, 360000000003


@pytest.fixture
def stop_later():
    fakes = []
    yield fakes.append
    for fake in fakes:
        fake.stop()


def make(tmp_path, stop_later, ticket_changes=None, comments=None, **fake_options):
    """The CC ticket (changed as asked) served by a fake Zendesk, and the service in front of it."""
    fake = cc_fake(**fake_options)
    stop_later(fake)
    fake.tickets[TICKET].update(ticket_changes or {})
    if comments is not None:
        fake.comments[TICKET] = comments
    return Service(tmp_path, fake), fake


def cc_comment() -> dict:
    """The customer's reply that CCs the escalation desk (comment 10004), as Zendesk stores it."""
    return copy.deepcopy(sample("comments_cc.json")["comments"][-1])


def not_cc_on_ticket():
    return {"email_cc_ids": [], "collaborator_ids": []}


def test_a_group_change_without_a_lead_unassigns_on_the_wire(tmp_path, stop_later):
    # The ticket is assigned to a first-line agent; the billing route names a group, no lead.
    service, fake = make(tmp_path, stop_later, groups={BILLING_GROUP: {900000000031}})
    assert fake.tickets[TICKET]["assignee_id"] == AGENT
    assert service.post(sample("event_comment_added.json")).status_code == 202
    service.work()
    (sent,) = fake.puts(TICKET)
    assert "assignee_id" in sent["ticket"] and sent["ticket"]["assignee_id"] is None  # JSON null
    assert sent["ticket"]["group_id"] == BILLING_GROUP
    assert fake.tickets[TICKET]["assignee_id"] is None and len(fake.notes(TICKET)) == 1


def test_a_comment_cc_given_as_a_user_id_escalates(tmp_path, stop_later):
    # Zendesk lists a comment's CCs as user ids; the address is known only through the users.
    service, fake = make(tmp_path, stop_later, not_cc_on_ticket())
    cc = cc_comment()
    cc["via"]["source"]["from"]["original_recipients"] = ["support@acme.zendesk.com"]
    assert cc["via"]["source"]["to"]["email_ccs"] == [ESCALATION_DESK]
    fake.comments[TICKET][-1] = cc
    service.post(sample("event_comment_added.json"))
    service.work()
    (sent,) = fake.puts(TICKET)
    assert "escalation@acme.example" in sent["ticket"]["comment"]["body"]
    (comments_read,) = [r for r in fake.seen("GET") if r.path.endswith("/comments.json")]
    assert comments_read.query["include"] == "users"


@pytest.mark.parametrize("kind", ["event", "trigger"])
def test_a_cc_request_is_found_when_an_agent_replied_before_the_worker_read(tmp_path, stop_later, kind):
    service, fake = make(tmp_path, stop_later, not_cc_on_ticket())
    cc = fake.comments[TICKET][-1]
    if kind == "event":
        service.post(comment_event(TICKET, cc, CUSTOMER, False, "e-customer"))
    else:
        service.post({**sample("trigger_body.json"), "updated_at": cc["created_at"]}, invocation="t-1")
    reply = fake.add_comment(TICKET, AGENT, "Thanks, we are on it.")  # lands before the worker reads
    service.post(comment_event(TICKET, reply, AGENT, True, "e-agent"))
    service.work()
    (sent,) = fake.puts(TICKET)
    assert (
        f"comment #{cc['id']} from the customer was sent to escalation@acme.example"
        in sent["ticket"]["comment"]["body"]
    )


def test_comments_examined_once_are_not_examined_again(tmp_path, stop_later):
    service, fake = make(tmp_path, stop_later, not_cc_on_ticket())
    plain = fake.add_comment(TICKET, CUSTOMER, "Any news?")
    service.post(comment_event(TICKET, plain, CUSTOMER, False, "e-1"))
    service.work()
    assert fake.puts(TICKET) == []  # the CC'd comment 10004 is older than the one announced
    assert service.inbox.marks.get(TICKET) == plain["id"]
    cc = fake.add_comment(TICKET, CUSTOMER, "Copying escalation.", via=cc_comment()["via"])
    service.post(comment_event(TICKET, cc, CUSTOMER, False, "e-2"))
    service.work()
    assert len(fake.puts(TICKET)) == 1
    assert service.inbox.marks.get(TICKET) == cc["id"]


def test_the_manual_request_tag_is_consumed_on_an_already_escalated_ticket(tmp_path, stop_later):
    escalated = {
        "tags": ["outage", "escalated", "escalation_level_2", "escalation_reason_outage", "escalate"],
        "custom_fields": [
            {"id": ESCALATION_STATUS, "value": "escalation_active"},
            {"id": 360010000002, "value": 2},
            {"id": 360010000003, "value": "outage"},
        ],
    }
    service, fake = make(tmp_path, stop_later, escalated)
    service.post(
        {"ticket_id": TICKET, "tags": " ".join(escalated["tags"]), "actor_id": AGENT, "actor_role": "Agent"},
        invocation="t-1",
    )
    service.work()
    (sent,) = fake.puts(TICKET)
    assert "escalate" not in sent["ticket"]["tags"]
    assert "escalate" not in fake.tickets[TICKET]["tags"]
    note = sent["ticket"]["comment"]
    assert note["public"] is False and "already escalated at level 2 (outage)" in note["body"]
    assert "group_id" not in sent["ticket"] and "priority" not in sent["ticket"]


def test_the_manual_request_tag_is_consumed_when_a_higher_rule_wins(tmp_path, stop_later):
    service, fake = make(tmp_path, stop_later, {"tags": ["outage", "escalate"], **not_cc_on_ticket()})
    service.post(
        {"ticket_id": TICKET, "tags": "outage escalate", "actor_id": AGENT, "actor_role": "Agent"}, invocation="t-1"
    )
    service.work()
    (sent,) = fake.puts(TICKET)
    assert sent["ticket"]["tags"][:2] == ["outage", "escalated"] and "escalate" not in sent["ticket"]["tags"]
    assert "an agent added the tag escalate" in sent["ticket"]["comment"]["body"]
    assert "escalation_level_2" in fake.tickets[TICKET]["tags"]


def test_a_drop_down_status_keeps_its_value_and_the_ticket_is_escalated_once(tmp_path, stop_later):
    service, fake = make(
        tmp_path, stop_later, dropdowns={ESCALATION_STATUS: ["escalation_active", "escalation_requested"]}
    )
    service.post(sample("event_comment_added.json"))
    service.work()
    (sent,) = fake.puts(TICKET)
    assert {"id": ESCALATION_STATUS, "value": "escalation_active"} in sent["ticket"]["custom_fields"]
    assert "escalation_active" in sent["ticket"]["tags"]  # the option's tag agrees with the field
    status = {f["id"]: f["value"] for f in fake.tickets[TICKET]["custom_fields"]}[ESCALATION_STATUS]
    assert status == "escalation_active"
    # Another customer reply, to the escalation address again: already escalated, no second note.
    again = fake.add_comment(TICKET, CUSTOMER, "Still broken.", via=cc_comment()["via"])
    service.post(comment_event(TICKET, again, CUSTOMER, False, "e-2", tags=fake.tickets[TICKET]["tags"]))
    service.work()
    assert len(fake.puts(TICKET)) == 1 and len(fake.notes(TICKET)) == 1


def test_without_ccs_and_followers_the_leads_are_added_as_collaborators(tmp_path, stop_later):
    service, fake = make(tmp_path, stop_later)
    for key in ("follower_ids", "email_cc_ids"):  # such accounts' tickets carry neither
        fake.tickets[TICKET].pop(key)
    fake.tickets[TICKET]["collaborator_ids"] = []
    service.post(sample("event_comment_added.json"))
    service.work()
    (sent,) = fake.puts(TICKET)
    assert "followers" not in sent["ticket"]
    assert sent["ticket"]["additional_collaborators"] == [900000000011]
    assert fake.tickets[TICKET]["collaborator_ids"] == [900000000011]


def test_a_ticket_at_the_comment_limit_is_escalated_without_the_note(tmp_path, stop_later):
    service, fake = make(tmp_path, stop_later, comment_limit=3)  # the ticket holds 3 comments
    service.post(sample("event_comment_added.json"))
    service.work()
    refused, accepted = [r for r in fake.seen("PUT")]
    assert refused.status == 422 and "comment" in refused.body["ticket"]
    assert accepted.status == 200 and "comment" not in accepted.body["ticket"]
    assert accepted.body["ticket"]["group_id"] == BILLING_GROUP
    (result,) = service.results()
    assert result["status"] == "escalated" and "5,000 comments" in result["warnings"][0]


def test_the_customers_own_words_start_an_impact_escalation_but_an_agents_do_not(tmp_path, stop_later):
    service, fake = make(tmp_path, stop_later, not_cc_on_ticket())
    quoted = fake.add_comment(TICKET, AGENT, "The customer says production is down; checking.")
    service.post(comment_event(TICKET, quoted, AGENT, True, "e-agent"))
    service.work()
    assert fake.puts(TICKET) == [] and len(fake.seen()) == 0  # screened out: no read at all
    said = fake.add_comment(TICKET, CUSTOMER, "Our PRODUCTION is down since 9am!")
    service.post(comment_event(TICKET, said, CUSTOMER, False, "e-customer"))
    service.work()
    (sent,) = fake.puts(TICKET)
    assert sent["ticket"]["priority"] == "urgent" and "escalation_reason_production_down" in sent["ticket"]["tags"]
    assert f'comment #{said["id"]} from the customer says "production is down"' in sent["ticket"]["comment"]["body"]
