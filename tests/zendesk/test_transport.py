"""The session under Zenpy: base-URL override, counts (not a growing list), Retry-After."""

import pytest
import requests
import responses

from zendesk_escalator.zendesk.transport import ZendeskSession, endpoint_of


@responses.activate
def test_rebases_zendesk_urls_and_counts_calls():
    responses.get("http://127.0.0.1:8999/api/v2/tickets/1.json", json={})
    session = ZendeskSession("https://acme.zendesk.com", "http://127.0.0.1:8999/")
    session.get("https://acme.zendesk.com/api/v2/tickets/1.json")
    assert responses.calls[0].request.url == "http://127.0.0.1:8999/api/v2/tickets/1.json"
    assert session.calls == {("GET", "/api/v2/tickets/{id}.json", 200): 1}


@responses.activate
def test_other_urls_are_left_alone():
    responses.get("https://elsewhere.example/x", json={})
    session = ZendeskSession("https://acme.zendesk.com", "http://127.0.0.1:8999")
    session.get("https://elsewhere.example/x")
    assert responses.calls[0].request.url == "https://elsewhere.example/x"


@responses.activate
def test_a_long_life_keeps_a_count_not_every_call():
    responses.get("https://acme.zendesk.com/api/v2/tickets/1.json", json={})
    responses.get("https://acme.zendesk.com/api/v2/tickets/2/comments.json", status=503, json={})
    responses.get("https://acme.zendesk.com/api/v2/tickets/3.json", body=requests.ConnectionError("refused"))
    session = ZendeskSession("https://acme.zendesk.com", "https://acme.zendesk.com")
    for _ in range(500):
        session.get("https://acme.zendesk.com/api/v2/tickets/1.json")
        session.get("https://acme.zendesk.com/api/v2/tickets/2/comments.json?page[size]=100")
    with pytest.raises(requests.ConnectionError):
        session.get("https://acme.zendesk.com/api/v2/tickets/3.json")
    assert session.calls == {
        ("GET", "/api/v2/tickets/{id}.json", 200): 500,
        ("GET", "/api/v2/tickets/{id}/comments.json", 503): 500,
        ("GET", "/api/v2/tickets/{id}.json", "ConnectionError"): 1,
    }
    assert session.total == 1001


@pytest.mark.parametrize(
    "url, endpoint",
    [
        ("https://a.zendesk.com/api/v2/tickets/35436.json?include=users", "/api/v2/tickets/{id}.json"),
        ("http://127.0.0.1:8999/api/v2/tickets/show_many.json?ids=1,2", "/api/v2/tickets/show_many.json"),
        ("https://a.zendesk.com/api/v2/incremental/tickets/cursor.json", "/api/v2/incremental/tickets/cursor.json"),
    ],
)
def test_endpoint_labels_have_no_ids(url, endpoint):
    assert endpoint_of(url) == endpoint


@responses.activate
def test_remembers_retry_after_of_a_429():
    responses.get("https://acme.zendesk.com/a", status=429, headers={"Retry-After": "17"})
    responses.get("https://acme.zendesk.com/b", status=429, headers={"Retry-After": "soon"})
    session = ZendeskSession("https://acme.zendesk.com", "https://acme.zendesk.com")
    session.get("https://acme.zendesk.com/a")
    assert session.last_retry_after == 17.0
    session.get("https://acme.zendesk.com/b")
    assert session.last_retry_after is None


@responses.activate
def test_each_call_is_told_with_its_answer_or_error():
    responses.get("https://acme.zendesk.com/api/v2/tickets/1.json", status=429, json={})
    responses.get("https://acme.zendesk.com/api/v2/tickets/2.json", body=requests.ConnectionError("refused"))
    told = []
    session = ZendeskSession(
        "https://acme.zendesk.com", "https://acme.zendesk.com", on_call=lambda *call: told.append(call)
    )
    session.get("https://acme.zendesk.com/api/v2/tickets/1.json")
    with pytest.raises(requests.ConnectionError):
        session.get("https://acme.zendesk.com/api/v2/tickets/2.json")
    assert told == [("GET", "/api/v2/tickets/{id}.json", 429), ("GET", "/api/v2/tickets/{id}.json", "ConnectionError")]
