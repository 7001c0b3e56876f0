"""Processing one ticket end to end against the HTTP layer: calls counted."""

import json
from datetime import datetime, timezone

import pytest
import responses

from conftest import API, sample
from zendesk_escalator.actions import ZendeskClient
from zendesk_escalator.zendesk.stand_ins import DryRunWriter, HintReader
from zendesk_escalator.errors import ZendeskConflict, ZendeskRejected
from zendesk_escalator.worker.escalate import Processor
from zendesk_escalator.core.notification import Notification

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=timezone.utc)
CUSTOMER = Notification(ticket_id=35436, source="event", actor_id=20978392)
OURSELVES = Notification(ticket_id=35436, source="event", actor_id=900000000001)


@pytest.fixture
def client(settings):
    return ZendeskClient(settings)


def processor(client, policy, writer=None, dry_run=False):
    return Processor(client, writer or client, policy, lambda: NOW, dry_run=dry_run)


def mock_cc_ticket(mock, ticket="ticket_cc.json", comments="comments_cc.json"):
    mock.get(f"{API}/tickets/35436.json", json=sample(ticket))
    mock.get(f"{API}/tickets/35436/comments.json", json=sample(comments))


@responses.activate
def test_cc_escalation_costs_two_reads_and_one_write(client, policy):
    mock_cc_ticket(responses)
    responses.put(f"{API}/tickets/35436.json", json={"ticket": {"id": 35436}, "audit": {}})
    outcome = processor(client, policy).process([CUSTOMER])
    assert (outcome.status, outcome.rule) == ("escalated", "customer_cc")
    assert [m for m, _ in client.calls] == ["GET", "GET", "PUT"]
    sent = json.loads(responses.calls[2].request.body)["ticket"]
    assert sent["group_id"] == 360000000003 and sent["comment"]["public"] is False


@responses.activate
def test_own_update_costs_zero_calls(client, policy):
    outcome = processor(client, policy).process([OURSELVES, OURSELVES])
    assert outcome.status == "ignored"
    assert client.calls == []


@responses.activate
def test_coalesced_batch_with_one_foreign_event_reads_once(client, policy):
    mock_cc_ticket(responses)
    responses.put(f"{API}/tickets/35436.json", json={"ticket": {"id": 35436}, "audit": {}})
    processor(client, policy).process([OURSELVES, CUSTOMER, CUSTOMER])
    assert len(client.calls) == 3


@responses.activate
def test_nothing_to_do_costs_two_reads_and_no_write(client, policy):
    responses.get(f"{API}/tickets/35436.json", json=sample("ticket_plain.json"))
    responses.get(f"{API}/tickets/35436/comments.json", json=sample("comments_plain.json"))
    assert processor(client, policy).process([CUSTOMER]).status == "no_action"
    assert [m for m, _ in client.calls] == ["GET", "GET"]


@responses.activate
def test_409_rereads_and_redecides(client, policy):
    mock_cc_ticket(responses)
    responses.put(f"{API}/tickets/35436.json", status=409, json={"error": "UpdateConflict"})
    responses.put(f"{API}/tickets/35436.json", json={"ticket": {"id": 35436}, "audit": {}})
    assert processor(client, policy).process([CUSTOMER]).status == "escalated"
    assert [m for m, _ in client.calls] == ["GET", "GET", "PUT", "GET", "GET", "PUT"]


@responses.activate
def test_409_after_someone_else_escalated_means_no_second_note(client, policy):
    responses.get(f"{API}/tickets/35436/comments.json", json=sample("comments_cc.json"))
    responses.get(f"{API}/tickets/35436.json", json=sample("ticket_cc.json"))
    escalated = sample("ticket_cc.json")
    escalated["ticket"]["custom_fields"][0]["value"] = "escalation_active"
    escalated["ticket"]["custom_fields"][1]["value"] = 1
    responses.get(f"{API}/tickets/35436.json", json=escalated)
    responses.put(f"{API}/tickets/35436.json", status=409, json={"error": "UpdateConflict"})
    assert processor(client, policy).process([CUSTOMER]).status == "no_action"
    assert [m for m, _ in client.calls].count("PUT") == 1


@responses.activate
def test_persistent_conflict_is_raised_for_the_worker(client, policy):
    mock_cc_ticket(responses)
    responses.put(f"{API}/tickets/35436.json", status=409, json={"error": "UpdateConflict"})
    with pytest.raises(ZendeskConflict):
        processor(client, policy).process([CUSTOMER])
    assert [m for m, _ in client.calls].count("PUT") == 3


@responses.activate
def test_deleted_ticket_is_done_not_retried(client, policy):
    responses.get(f"{API}/tickets/35436.json", status=404, json={"error": "RecordNotFound"})
    assert processor(client, policy).process([CUSTOMER]).status == "ticket_gone"


@responses.activate
def test_422_is_raised_as_permanent(client, policy):
    mock_cc_ticket(responses)
    responses.put(f"{API}/tickets/35436.json", status=422, json={"error": "RecordInvalid"})
    with pytest.raises(ZendeskRejected) as caught:
        processor(client, policy).process([CUSTOMER])
    assert not caught.value.retryable


@responses.activate
def test_dry_run_reads_but_never_writes(client, policy):
    mock_cc_ticket(responses)
    outcome = processor(client, policy, writer=DryRunWriter(), dry_run=True).process([CUSTOMER])
    assert outcome.status == "planned"
    assert outcome.update["tags"][-1] == "escalation_reason_customer_cc"
    assert [m for m, _ in client.calls] == ["GET", "GET"]


@responses.activate
def test_dry_run_without_credentials_uses_hints(policy):
    note = Notification(ticket_id=8, source="trigger", tags=("production_down",))
    outcome = Processor(HintReader(), DryRunWriter(), policy, lambda: NOW, dry_run=True).process([note])
    assert (outcome.status, outcome.update["priority"]) == ("planned", "urgent")
    assert len(responses.calls) == 0
