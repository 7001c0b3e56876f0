"""The one PUT, asserted on the JSON Zendesk receives; error mapping."""

import json

import pytest
import requests
import responses
from conftest import API, sample

from zendesk_escalator.actions import ZendeskWriter
from zendesk_escalator.errors import (
    TicketNotFound,
    ZendeskConflict,
    ZendeskRateLimited,
    ZendeskRejected,
    ZendeskUnavailable,
)
from zendesk_escalator.zendesk.wire import wire_body

UPDATE = {
    "id": 35436,
    "safe_update": True,
    "updated_stamp": "2026-11-22T09:15:02Z",
    "tags": ["a", "escalated"],
    "comment": {"body": "note", "public": False},
}
BODY = {key: value for key, value in UPDATE.items() if key != "id"}  # Update Ticket declares no id: the URL has it


@pytest.fixture
def client(settings):
    return ZendeskWriter(settings)


@responses.activate
def test_apply_is_one_put_with_exact_body(client):
    responses.put(f"{API}/tickets/35436.json", json={"ticket": {"id": 35436}, "audit": {"id": 1, "events": []}})
    assert client.apply(dict(UPDATE)) == {"ticket": BODY}
    assert len(responses.calls) == 1
    assert json.loads(responses.calls[0].request.body) == {"ticket": BODY}


@responses.activate
def test_nulls_reach_the_wire(client):
    changes = {
        "group_id": 360000000003,
        "assignee_id": None,
        "custom_fields": [{"id": 1, "value": None}],
        "additional_collaborators": [5],
    }
    update = {**UPDATE, **changes}
    responses.put(f"{API}/tickets/35436.json", json={"ticket": {"id": 35436}, "audit": {"id": 1, "events": []}})
    client.apply(dict(update))
    sent = json.loads(responses.calls[0].request.body)
    assert sent == {"ticket": {**BODY, **changes}} and sent["ticket"]["assignee_id"] is None
    assert wire_body(update) == sent  # what a dry run logs is what a real run sends


def test_api_url_override_rebases_every_call(settings):
    from dataclasses import replace

    client = ZendeskWriter(replace(settings, api_url="http://127.0.0.1:8999/"))
    with responses.RequestsMock() as mock:
        mock.get("http://127.0.0.1:8999/api/v2/tickets/1.json", json=sample("ticket_plain.json"))
        mock.get("http://127.0.0.1:8999/api/v2/tickets/1/comments.json", json={"comments": []})
        mock.put("http://127.0.0.1:8999/api/v2/tickets/1.json", json={"ticket": {"id": 1}, "audit": {}})
        client.ticket(1)
        client.comments(1)
        client.apply({"id": 1, "tags": []})
    assert client.session.calls == {
        ("GET", "/api/v2/tickets/{id}.json", 200): 1,
        ("GET", "/api/v2/tickets/{id}/comments.json", 200): 1,
        ("PUT", "/api/v2/tickets/{id}.json", 200): 1,
    }


@pytest.mark.parametrize(
    "status, headers, body, error",
    [
        (409, {}, {"error": "UpdateConflict", "description": "changed"}, ZendeskConflict),
        (404, {}, {"error": "RecordNotFound"}, TicketNotFound),
        (422, {}, {"error": "RecordInvalid", "details": {"group": ["invalid"]}}, ZendeskRejected),
        (503, {"Retry-After": "30"}, {"error": "Maintenance"}, ZendeskUnavailable),
        (500, {}, {"error": "boom"}, ZendeskUnavailable),
        (503, {}, "<html>maintenance</html>", ZendeskUnavailable),
        (429, {}, {"error": "TooManyRequests"}, ZendeskRateLimited),
    ],
)
@responses.activate
def test_put_errors_are_mapped(client, status, headers, body, error):
    kwargs = {"json": body} if isinstance(body, dict) else {"body": body}
    responses.put(f"{API}/tickets/35436.json", status=status, headers=headers, **kwargs)
    with pytest.raises(error) as caught:
        client.apply(dict(UPDATE))
    assert caught.value.status == status
    assert len(responses.calls) == 1  # never retried inside the client


@responses.activate
def test_429_retry_after_reaches_the_worker_without_sleeping(client):
    responses.put(
        f"{API}/tickets/35436.json", status=429, headers={"Retry-After": "37"}, json={"error": "TooManyRequests"}
    )
    with pytest.raises(ZendeskRateLimited) as caught:
        client.apply(dict(UPDATE))
    assert caught.value.retry_after == 37.0
    assert len(responses.calls) == 1


@responses.activate
def test_timeouts_and_connection_errors_are_retryable(client):
    responses.get(f"{API}/tickets/5.json", body=requests.Timeout("read timed out"))
    responses.put(f"{API}/tickets/5.json", body=requests.ConnectionError("refused"))
    with pytest.raises(ZendeskUnavailable, match="Timeout"):
        client.ticket(5)
    with pytest.raises(ZendeskUnavailable, match="ConnectionError"):
        client.apply({"id": 5})


@responses.activate
def test_503_with_retry_after_and_422_details_reach_the_worker(client):
    responses.put(f"{API}/tickets/1.json", status=503, headers={"Retry-After": "30"}, json={"error": "x"})
    with pytest.raises(ZendeskUnavailable) as caught:
        client.apply({"id": 1})
    assert caught.value.retry_after == 30.0
    body = {"error": "RecordInvalid", "details": {"assignee": [{"description": "Assignee: is not a member"}]}}
    responses.replace(responses.PUT, f"{API}/tickets/1.json", status=422, json=body)
    with pytest.raises(ZendeskRejected) as refused:
        client.apply({"id": 1})
    assert refused.value.body == body


@responses.activate
def test_a_new_ticket_is_one_post_with_its_idempotency_key(client):
    ticket = {
        "subject": "Daily report",
        "comment": {"body": "text", "public": True},
        "requester": {"email": "csm@acme.example", "name": "Casey"},
    }
    responses.post(
        f"{API}/tickets.json",
        status=201,
        json={"ticket": {"id": 50001, **ticket}},
        headers={"x-idempotency-lookup": "miss"},
    )
    responses.post(
        f"{API}/tickets.json",
        status=201,
        json={"ticket": {"id": 50001, **ticket}},
        headers={"x-idempotency-lookup": "hit"},
    )
    assert client.create_ticket(ticket, "report-2026-11-23") == ({"id": 50001, **ticket}, False)
    assert client.create_ticket(ticket, "report-2026-11-23")[1] is True  # Zendesk replayed the first create
    sent = responses.calls[0].request
    assert json.loads(sent.body) == {"ticket": ticket} and sent.headers["Idempotency-Key"] == "report-2026-11-23"


@responses.activate
def test_a_key_used_with_another_body_is_a_400_the_caller_can_read(client):
    responses.post(
        f"{API}/tickets.json",
        status=400,
        json={
            "error": "IdempotentRequestError",
            "description": "Request parameters don't match the given idempotency key",
        },
    )
    with pytest.raises(ZendeskRejected) as raised:
        client.create_ticket({"subject": "x", "comment": {"body": "y"}}, "k")
    assert raised.value.status == 400 and raised.value.body["error"] == "IdempotentRequestError"
