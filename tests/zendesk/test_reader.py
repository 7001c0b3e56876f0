"""Reading through the HTTP layer (responses): exactly what is asked, and what errors become."""

from dataclasses import replace

import pytest
import responses
from conftest import API, sample
from responses.matchers import query_param_matcher

from zendesk_escalator.errors import TicketNotFound, ZendeskRateLimited, ZendeskUnavailable
from zendesk_escalator.zendesk.client import ZendeskClient


@pytest.fixture
def client(settings):
    return ZendeskClient(settings)


@responses.activate
def test_each_read_is_one_get(client):
    responses.get(
        f"{API}/tickets/35436.json", json=sample("ticket_cc.json"), match=[query_param_matcher({"include": "users"})]
    )
    responses.get(
        f"{API}/tickets/35436/comments.json",
        json=sample("comments_cc.json"),
        match=[query_param_matcher({"page[size]": "100", "sort": "-created_at", "include": "users"})],
    )
    assert client.ticket(35436)["ticket"]["id"] == 35436
    assert [c["id"] for c in client.comments(35436)["comments"]] == [10001, 10002, 10004]
    assert client.session.total == 2
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")  # email/token:API_TOKEN


@responses.activate
def test_read_errors_are_mapped(client):
    responses.get(f"{API}/tickets/5.json", status=429, headers={"Retry-After": "12"}, json={})
    with pytest.raises(ZendeskRateLimited) as caught:
        client.ticket(5)
    assert caught.value.retry_after == 12.0
    responses.replace(responses.GET, f"{API}/tickets/5.json", status=404, json={"error": "RecordNotFound"})
    with pytest.raises(TicketNotFound):
        client.ticket(5)
    responses.replace(responses.GET, f"{API}/tickets/5.json", status=200, body="<html>proxy</html>")
    with pytest.raises(ZendeskUnavailable, match="not a JSON object"):
        client.ticket(5)


def test_oauth_token_is_sent_as_bearer(settings):
    client = ZendeskClient(replace(settings, api_token=None, email=None, oauth_token="oa"))
    with responses.RequestsMock() as mock:
        mock.get(f"{API}/tickets/1.json", json=sample("ticket_plain.json"))
        client.ticket(1)
        assert mock.calls[0].request.headers["Authorization"] == "Bearer oa"


@responses.activate
def test_the_history_exports_are_one_get_a_page(client):
    responses.get(
        f"{API}/incremental/ticket_events.json",
        json={"ticket_events": [], "end_of_stream": True},
        match=[query_param_matcher({"start_time": "1761296400", "include": "comment_events"})],
    )
    responses.get(
        f"{API}/incremental/ticket_metric_events.json",
        json={"ticket_metric_events": []},
        match=[query_param_matcher({"start_time": "1761296400"})],
    )
    assert client.ticket_events(1761296400) == {"ticket_events": [], "end_of_stream": True}
    assert client.metric_events(1761296400) == {"ticket_metric_events": []}
    assert client.session.total == 2 and {c.request.method for c in responses.calls} == {"GET"}
