"""The escalation hotline end to end: a Zendesk Talk call ticket announced by a signed webhook, the real worker
reading it from the fake Zendesk, the update Zendesk receives. A call to a hotline number is escalated with the
voicemail's transcript quoted as the request; a call to another number, or a ticket of another channel, is not.
"""

import copy

import pytest
from conftest import sample, sample_policy
from support.fake_zendesk import FakeZendesk
from support.service import Clock, Service

CALL = 35600
HOTLINE = "+16196399312"
PHONE = f'\n[phone]\nnumbers = ["{HOTLINE}"]\nlevel = 2\npriority = "urgent"\n'
CALLER = 20978500
AGENT_ROLE = "Agent"


def trigger(via: str | None, role: str = "End-user", actor: int = CALLER) -> dict:
    """The documented trigger body as the "ticket created" trigger renders it for a new call ticket."""
    body = {
        "ticket_id": str(CALL),
        "updated_at": "2026-11-22T16:36:51Z",
        "tags": "",
        "priority": "",
        "status": "New",
        "actor_id": str(actor),
        "actor_role": role,
    }
    return body if via is None else {**body, "via": via}


def created_event(channel: str = "voice") -> dict:
    """A ticket.created event webhook for the call ticket (detail.via.channel names the channel)."""
    body = copy.deepcopy(sample("event_comment_added.json"))
    body.update(
        id="call-created-1",
        subject=f"zen:ticket:{CALL}",
        type="zen:event-type:ticket.created",
        event={"meta": {"sequence": {"id": "S1", "position": 1, "total": 1}}},
    )
    body["detail"].update(id=str(CALL), actor_id=str(CALLER), tags=[], status="NEW", via={"channel": channel})
    return body


@pytest.fixture
def world(tmp_path, made):
    def make(extra: str = PHONE, to: str = HOTLINE, rel: str = "voicemail"):
        ticket = copy.deepcopy(sample("ticket_voicemail.json"))
        ticket["ticket"]["via"]["source"]["to"]["phone"] = to
        ticket["ticket"]["via"]["source"]["rel"] = rel
        comments = sample("comments_voicemail.json")
        fake = FakeZendesk({CALL: ticket}, {CALL: comments["comments"]}, users=comments["users"]).start()
        made.append(fake)
        policy = sample_policy(extra)
        return Service(tmp_path, fake, policy, Clock()), fake

    return make


def test_a_voicemail_to_the_hotline_is_escalated_with_its_transcript_quoted_as_the_request(world):
    service, fake = world()
    assert service.post(trigger("Voicemail")).status_code == 202
    service.work()
    (update,) = [body["ticket"] for body in fake.puts(CALL)]
    assert update["priority"] == "urgent"
    assert {"escalated", "escalation_level_2", "escalation_reason_phone"} <= set(update["tags"])
    note = update["comment"]["body"]
    assert update["comment"]["public"] is False
    assert "- a voicemail from +16022202269 to the escalation hotline +1 (619) 639-9312 (Escalation hotline)" in note
    transcript = sample("comments_voicemail.json")["comments"][0]["data"]["transcription_text"]
    quoted = "\n".join(f"> {line}" for line in transcript.splitlines())
    assert f"Escalation request:\n{quoted}" in note  # the customer's words, every line visibly quoted
    assert "Escalation request checklist:" in note and "business impact" in note.lower()
    assert len(fake.seen("GET")) == 2  # its comments, then the ticket


def test_a_call_ticket_escalates_once_whatever_follows(world):
    service, fake = world()
    service.post(trigger("Voicemail"))
    service.work()
    service.post(trigger("Voicemail", role=AGENT_ROLE, actor=235323))  # an agent picks the ticket up
    service.post(created_event())  # the same creation, announced by an event webhook too
    service.work()
    assert len(fake.puts(CALL)) == 1


def test_an_event_webhook_of_the_new_call_ticket_escalates_it(world):
    service, fake = world()
    assert service.post(created_event()).status_code == 202
    service.work()
    (update,) = [body["ticket"] for body in fake.puts(CALL)]
    assert "escalation_reason_phone" in update["tags"]


@pytest.mark.parametrize(
    "to, rel",
    [("+16196390000", "voicemail"), (HOTLINE, "outbound")],
    ids=["another number", "an outbound call on the hotline"],
)
def test_a_call_that_is_not_a_customers_call_to_the_hotline_is_not_escalated(world, to, rel):
    service, fake = world(to=to, rel=rel)
    service.post(trigger("Voicemail"))
    service.work()
    assert fake.puts(CALL) == []
    assert service.results()[0]["status"] == "no_action"


@pytest.mark.parametrize("via, reads", [("Web form", 0), ("Phone call (inbound)", 2), ("Voicemail", 2)])
def test_an_agents_change_is_read_only_for_a_call_ticket(world, via, reads):
    service, fake = world()
    service.post(trigger(via, role=AGENT_ROLE, actor=235323))
    service.work()
    assert len(fake.seen("GET")) == reads  # the via hint screens every other channel out at no cost


def test_without_a_phone_section_a_call_is_an_ordinary_ticket(world):
    service, fake = world(extra="")
    service.post(trigger("Voicemail", role=AGENT_ROLE, actor=235323))
    service.work()
    assert fake.requests == [] and fake.puts(CALL) == []
