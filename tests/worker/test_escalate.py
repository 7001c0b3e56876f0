"""The notification handler against the HTTP layer (responses): what each kind of change costs, 409s, 404s, dry runs."""

import json
from datetime import datetime, timezone

import pytest
import responses
from conftest import API, sample

from zendesk_escalator.actions import ZendeskWriter
from zendesk_escalator.core.escalation.triggers import escalation_rules
from zendesk_escalator.core.notification import CommentHint, Notification
from zendesk_escalator.errors import ZendeskConflict, ZendeskRejected
from zendesk_escalator.worker.escalate import NotificationHandler
from zendesk_escalator.zendesk.stand_ins import DryRunWriter, HintReader

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=timezone.utc)
TICKET_URL, COMMENTS_URL = f"{API}/tickets/35436.json", f"{API}/tickets/35436/comments.json"
OURSELVES = Notification(ticket_id=35436, source="event", actor_id=900000000001)


def customer_reply(comment_id=10004, body="Looping in our escalation desk"):
    return Notification(
        ticket_id=35436,
        source="event",
        event_type="ticket.comment_added",
        actor_id=20978392,
        tags=("billing", "vip"),
        updated_at="2026-11-22T09:15:02Z",
        comment=CommentHint(id=comment_id, author_id=20978392, author_is_staff=False, body=body),
    )


@pytest.fixture
def client(settings):
    return ZendeskWriter(settings)


def handler(client, policy, writer=None, dry_run=False):
    return NotificationHandler(client, writer or client, policy, escalation_rules(), lambda: NOW, dry_run=dry_run)


def serve_cc_ticket(mock, ticket="ticket_cc.json", comments="comments_cc.json"):
    mock.get(TICKET_URL, json=sample(ticket))
    newest_first = sample(comments)
    newest_first["comments"].reverse()
    mock.get(COMMENTS_URL, json=newest_first)


def accept_puts(mock):
    mock.put(TICKET_URL, json={"ticket": {"id": 35436}, "audit": {"id": 1, "events": []}})


def methods(client):
    return sorted((method, endpoint) for (method, endpoint, _), n in client.session.calls.items() for _ in range(n))


@responses.activate
def test_a_cc_escalation_costs_two_reads_and_one_write(client, policy):
    serve_cc_ticket(responses)
    accept_puts(responses)
    outcome = handler(client, policy).process([customer_reply()])
    assert (outcome.status, outcome.rule, outcome.comment_mark) == ("escalated", "customer_cc", 10004)
    assert methods(client) == [
        ("GET", "/api/v2/tickets/{id}.json"),
        ("GET", "/api/v2/tickets/{id}/comments.json"),
        ("PUT", "/api/v2/tickets/{id}.json"),
    ]
    sent = json.loads(responses.calls[-1].request.body)["ticket"]
    assert sent["group_id"] == 360000000003 and sent["comment"]["public"] is False
    assert outcome.update == {"ticket": sent}


@responses.activate
def test_a_customer_email_without_evidence_costs_one_read(client, policy):
    no_cc = sample("comments_cc.json")
    no_cc["comments"][-1]["via"]["source"]["to"]["email_ccs"] = []  # its CC line is the ticket's: no desk
    no_cc["comments"][-1]["via"]["source"]["from"]["original_recipients"] = ["support@acme.zendesk.com"]
    no_cc["comments"].reverse()
    responses.get(COMMENTS_URL, json=no_cc)
    outcome = handler(client, policy).process([customer_reply(body="Any news?")])
    assert (outcome.status, outcome.comment_mark) == ("no_action", 10004)
    assert client.session.total == 1  # the ticket itself was never read


@responses.activate
def test_a_customer_web_reply_reads_the_ticket_for_its_ccs(client, policy):
    ticket, web = sample("ticket_cc.json"), sample("comments_cc.json")
    ticket["ticket"].update(email_cc_ids=[], collaborator_ids=[])
    web["comments"][-1]["via"] = {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}}
    web["comments"].reverse()
    responses.get(TICKET_URL, json=ticket)
    responses.get(COMMENTS_URL, json=web)
    outcome = handler(client, policy).process([customer_reply(body="Any news?")])
    assert (outcome.status, outcome.comment_mark) == ("no_action", 10004)
    assert client.session.total == 2  # a web comment names no address: the ticket shows no CC either


@pytest.mark.parametrize(
    "note",
    [
        OURSELVES,
        Notification(
            ticket_id=35436,
            source="event",
            event_type="ticket.comment_added",
            tags=("billing",),
            comment=CommentHint(id=5, author_is_staff=True, body="We are on it"),
        ),
        Notification(ticket_id=35436, source="event", event_type="ticket.status_changed", tags=("billing",)),
        Notification(ticket_id=35436, source="trigger", actor_role="agent", tags=("billing",), priority="high"),
    ],
)
@responses.activate
def test_changes_that_cannot_escalate_cost_nothing(client, policy, note):
    outcome = handler(client, policy).process([note, note])
    assert outcome.status in ("ignored", "screened")
    assert client.session.total == 0


@responses.activate
def test_an_impact_tag_reads_the_ticket_only(client, policy):
    tagged = sample("ticket_cc.json")
    tagged["ticket"]["tags"].append("outage")
    responses.get(TICKET_URL, json=tagged)
    accept_puts(responses)
    note = Notification(ticket_id=35436, source="trigger", actor_role="agent", tags=("billing", "vip", "outage"))
    assert handler(client, policy).process([note]).rule == "impact"
    assert methods(client) == [("GET", "/api/v2/tickets/{id}.json"), ("PUT", "/api/v2/tickets/{id}.json")]


@responses.activate
def test_409_rereads_the_ticket_and_redecides(client, policy):
    serve_cc_ticket(responses)
    responses.put(TICKET_URL, status=409, json={"error": "UpdateConflict"})
    accept_puts(responses)
    assert handler(client, policy).process([customer_reply()]).status == "escalated"
    assert [(c.request.method, c.request.url.split("?")[0]) for c in responses.calls] == [
        ("GET", COMMENTS_URL),
        ("GET", TICKET_URL),
        ("PUT", TICKET_URL),
        ("GET", TICKET_URL),
        ("PUT", TICKET_URL),
    ]


@responses.activate
def test_409_after_someone_else_escalated_means_no_second_note(client, policy):
    newest_first = sample("comments_cc.json")
    newest_first["comments"].reverse()
    responses.get(COMMENTS_URL, json=newest_first)
    responses.get(TICKET_URL, json=sample("ticket_cc.json"))
    escalated = sample("ticket_cc.json")
    escalated["ticket"]["custom_fields"][0]["value"] = "escalation_active"
    escalated["ticket"]["custom_fields"][1]["value"] = 1
    responses.get(TICKET_URL, json=escalated)
    responses.put(TICKET_URL, status=409, json={"error": "UpdateConflict"})
    # The re-read shows the other escalation: taken over as it stands (no record of it here), never repeated.
    assert handler(client, policy).process([customer_reply()]).status == "adopted"
    assert [c.request.method for c in responses.calls].count("PUT") == 1


@responses.activate
def test_persistent_conflict_is_raised_for_the_worker(client, policy):
    serve_cc_ticket(responses)
    responses.put(TICKET_URL, status=409, json={"error": "UpdateConflict"})
    with pytest.raises(ZendeskConflict):
        handler(client, policy).process([customer_reply()])
    assert [c.request.method for c in responses.calls].count("PUT") == 3


@responses.activate
def test_deleted_ticket_is_done_not_retried(client, policy):
    responses.get(COMMENTS_URL, status=404, json={"error": "RecordNotFound"})
    assert handler(client, policy).process([customer_reply()]).status == "ticket_gone"


@responses.activate
def test_a_422_naming_another_field_is_permanent_and_sent_once(client, policy):
    serve_cc_ticket(responses)
    responses.put(
        TICKET_URL,
        status=422,
        json={
            "error": "RecordInvalid",
            "details": {"assignee": [{"description": "Assignee: is not a member of the group"}]},
        },
    )
    with pytest.raises(ZendeskRejected) as caught:
        handler(client, policy).process([customer_reply()])
    assert not caught.value.retryable
    assert [c.request.method for c in responses.calls].count("PUT") == 1


@responses.activate
def test_dry_run_reads_but_never_writes(client, policy):
    serve_cc_ticket(responses)
    outcome = handler(client, policy, writer=DryRunWriter(), dry_run=True).process([customer_reply()])
    assert outcome.status == "planned"
    assert outcome.update["ticket"]["tags"][-2] == "escalation_reason_customer_cc"
    assert [c.request.method for c in responses.calls] == ["GET", "GET"]


@responses.activate
def test_dry_run_without_credentials_uses_hints(policy):
    note = Notification(ticket_id=8, source="trigger", tags=("production_down",))
    outcome = NotificationHandler(
        HintReader(), DryRunWriter(), policy, escalation_rules(), lambda: NOW, dry_run=True
    ).process([note])
    assert (outcome.status, outcome.update["ticket"]["priority"]) == ("planned", "urgent")
    assert len(responses.calls) == 0
