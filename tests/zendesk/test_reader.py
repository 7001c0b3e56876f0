"""Reading tickets through the HTTP layer (responses): what is asked, what errors become."""

import pytest
import responses

from conftest import API, sample
from zendesk_escalator.actions import ZendeskClient
from zendesk_escalator.errors import TicketNotFound, ZendeskRateLimited


@pytest.fixture
def client(settings):
    return ZendeskClient(settings)


@responses.activate
def test_read_is_two_gets_with_users_and_latest_comment(client):
    responses.get(f"{API}/tickets/35436.json", json=sample("ticket_cc.json"),
                  match=[responses.matchers.query_param_matcher({"include": "users"})])
    responses.get(f"{API}/tickets/35436/comments.json", json=sample("comments_cc.json"),
                  match=[responses.matchers.query_param_matcher({"sort_order": "desc", "per_page": "1"})])
    snap = client.read(35436)
    assert snap.cc_emails == frozenset({"escalation@acme.example"})
    assert snap.latest_comment.id == 10004
    assert len(client.calls) == 2
    auth = responses.calls[0].request.headers["Authorization"]
    assert auth.startswith("Basic ")  # email/token:API_TOKEN, as Zendesk expects


@responses.activate
def test_read_errors_are_mapped(client):
    responses.get(f"{API}/tickets/5.json", status=429, headers={"Retry-After": "12"}, json={})
    with pytest.raises(ZendeskRateLimited) as caught:
        client.read(5)
    assert caught.value.retry_after == 12.0
    responses.replace(responses.GET, f"{API}/tickets/5.json", status=404, json={"error": "RecordNotFound"})
    with pytest.raises(TicketNotFound):
        client.read(5)


def test_oauth_token_is_sent_as_bearer(settings):
    from dataclasses import replace
    client = ZendeskClient(replace(settings, api_token=None, email=None, oauth_token="oa"))
    with responses.RequestsMock() as mock:
        mock.get(f"{API}/tickets/1.json", json=sample("ticket_plain.json"))
        mock.get(f"{API}/tickets/1/comments.json", json={"comments": []})
        client.read(1)
        assert mock.calls[0].request.headers["Authorization"] == "Bearer oa"
