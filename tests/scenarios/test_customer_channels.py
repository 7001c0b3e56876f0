"""A customer's update escalates a ticket CC'ing the escalation address whatever channel the customer used.

Only an email comment names its recipients (`via.source.to.email_ccs`); a reply
through the web form, the help center, the API or a mobile SDK names none, so the
ticket's own CCs must be read. Signed webhooks into the real app, a real worker,
the fake Zendesk over HTTP.
"""

import copy

import pytest
from conftest import sample
from support.service import CUSTOMER, TICKET, Service, cc_fake, comment_event

DESK = "escalation@acme.example"
# The via of a comment by each channel, as the comments API gives it (via object reference, via types).
NO_ADDRESS = {"from": {}, "to": {}, "rel": None}
CHANNELS = {
    "web form": {"channel": "web", "source": NO_ADDRESS},
    "help center": {"channel": "web", "source": {"from": {}, "to": {}, "rel": "help_center"}},
    "API": {"channel": "api", "source": NO_ADDRESS},
    "mobile SDK": {"channel": "mobile_sdk", "source": {"from": {}, "to": {}, "rel": "mobile_sdk"}},
}
EMAIL_WITHOUT_DESK = {
    "channel": "email",
    "source": {
        "from": {
            "address": "dana@customer.example",
            "name": "Dana Customer",
            "original_recipients": ["support@acme.zendesk.com"],
        },
        "to": {"name": "Acme Support", "address": "support@acme.zendesk.com", "email_ccs": []},
        "rel": None,
    },
}


@pytest.fixture
def fake():
    server = cc_fake()
    yield server
    server.stop()


def customer_replied(fake, via: dict) -> dict:
    """The customer's new comment (through `via`) after the recorded thread up to the agent's reply."""
    comments = copy.deepcopy(sample("comments_cc.json")["comments"][:2])
    reply = {
        **copy.deepcopy(comments[0]),
        "id": 10005,
        "body": "Any news? We are still blocked.",
        "plain_body": "Any news? We are still blocked.",
        "via": via,
        "created_at": "2026-11-22T09:15:02Z",
    }
    fake.comments[TICKET] = [*comments, reply]
    return reply


def webhook(kind: str, reply: dict) -> dict:
    if kind == "event":
        return comment_event(TICKET, reply, CUSTOMER, False, "reply-event")
    return sample("trigger_body.json")  # the README's trigger body: an end user updated the ticket


@pytest.mark.parametrize("kind", ["event", "trigger"])
@pytest.mark.parametrize("channel", list(CHANNELS))
def test_a_reply_without_addresses_escalates_a_ticket_that_ccs_the_desk(tmp_path, fake, kind, channel):
    assert DESK in {
        u["email"].lower() for u in sample("ticket_cc.json")["users"] if u["id"] in fake.tickets[TICKET]["email_cc_ids"]
    }
    reply = customer_replied(fake, CHANNELS[channel])
    service = Service(tmp_path, fake)
    assert service.post(webhook(kind, reply)).status_code == 202
    service.work()
    (sent,) = fake.puts(TICKET)
    assert f"{DESK} is CC'd on the ticket" in sent["ticket"]["comment"]["body"]
    assert "escalation_reason_customer_cc" in sent["ticket"]["tags"]
    assert [r.path for r in fake.seen("GET")] == [
        f"/api/v2/tickets/{TICKET}/comments.json",
        f"/api/v2/tickets/{TICKET}.json",
    ]
    service.close()


@pytest.mark.parametrize("kind", ["event", "trigger"])
def test_an_email_reply_that_drops_the_desk_costs_one_read(tmp_path, fake, kind):
    # An email's To and CC lines are the ticket's: a reply that left the desk out took it off the ticket.
    fake.tickets[TICKET].update(email_cc_ids=[], collaborator_ids=[])
    reply = customer_replied(fake, EMAIL_WITHOUT_DESK)
    service = Service(tmp_path, fake)
    assert service.post(webhook(kind, reply)).status_code == 202
    service.work()
    assert fake.puts(TICKET) == []
    assert [r.path for r in fake.seen("GET")] == [f"/api/v2/tickets/{TICKET}/comments.json"]
    service.close()
