import responses

from zendesk_escalator.zendesk.transport import ZendeskSession


@responses.activate
def test_rebases_zendesk_urls_and_records_calls():
    responses.get("http://127.0.0.1:8999/api/v2/tickets/1.json", json={})
    session = ZendeskSession("https://acme.zendesk.com", "http://127.0.0.1:8999/")
    session.get("https://acme.zendesk.com/api/v2/tickets/1.json")
    assert session.calls == [("GET", "http://127.0.0.1:8999/api/v2/tickets/1.json")]


@responses.activate
def test_other_urls_are_left_alone():
    responses.get("https://elsewhere.example/x", json={})
    session = ZendeskSession("https://acme.zendesk.com", "http://127.0.0.1:8999")
    session.get("https://elsewhere.example/x")
    assert session.calls == [("GET", "https://elsewhere.example/x")]


@responses.activate
def test_remembers_retry_after_of_a_429():
    responses.get("https://acme.zendesk.com/a", status=429, headers={"Retry-After": "17"})
    responses.get("https://acme.zendesk.com/b", status=429, headers={"Retry-After": "soon"})
    session = ZendeskSession("https://acme.zendesk.com", "https://acme.zendesk.com")
    session.get("https://acme.zendesk.com/a")
    assert session.last_retry_after == 17.0
    session.get("https://acme.zendesk.com/b")
    assert session.last_retry_after is None
