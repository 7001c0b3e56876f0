"""The Zendesk client at the HTTP layer (responses): the credentials it sends, the base it calls, the calls it
counts and reports, recorded answers in place of the network; the admin API needs credentials."""

from dataclasses import replace

import pytest
import requests
import responses
from conftest import API, sample

from zendesk_escalator.errors import ConfigError
from zendesk_escalator.settings import Settings
from zendesk_escalator.zendesk.client import ZendeskClient, build_admin

TICKET = f"{API}/tickets/35436.json"


@responses.activate
def test_an_oauth_token_is_sent_as_a_bearer_token_instead_of_the_api_token(settings):
    responses.get(TICKET, json=sample("ticket_cc.json"))
    ZendeskClient(replace(settings, oauth_token="oauth-t0ken")).ticket(35436)
    assert responses.calls[0].request.headers["Authorization"] == "Bearer oauth-t0ken"


@responses.activate
def test_zendesk_api_url_replaces_the_accounts_address_and_calls_are_counted_and_reported(settings):
    responses.get("https://proxy.example/zendesk/api/v2/tickets/35436.json", json=sample("ticket_cc.json"))
    heard = []
    client = ZendeskClient(
        replace(settings, api_url="https://proxy.example/zendesk/"), on_call=lambda *c: heard.append(c)
    )
    assert client.ticket(35436)["ticket"]["id"] == 35436
    assert heard == [("GET", "/zendesk/api/v2/tickets/{id}.json", 200)]
    assert client.session.total == 1


@responses.activate
def test_zenpy_reads_through_the_same_counted_session(settings):
    responses.get(f"{API}/users/235323.json", json={"user": {"id": 235323, "name": "Alex", "email": "a@acme.example"}})
    client = ZendeskClient(settings)
    assert client.zenpy.users(id=235323).name == "Alex"
    assert client.session.total == 1 and responses.calls[0].request.headers["Authorization"].startswith("Basic ")


class Recorded(requests.adapters.BaseAdapter):
    """Answers every request with the recorded ticket, as `escalator simulate` does."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def send(self, request, **kwargs):
        self.urls.append(request.url)
        response = requests.Response()
        response.status_code, response.url, response.request = 200, request.url, request
        response._content = requests.compat.json.dumps(sample("ticket_cc.json")).encode()
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self):
        pass


def test_a_recorded_adapter_answers_instead_of_the_network(settings):
    adapter = Recorded()
    with responses.RequestsMock():  # any request reaching the network would fail the test
        assert ZendeskClient(settings, adapter=adapter).ticket(35436)["ticket"]["id"] == 35436
    assert adapter.urls == [f"{TICKET}?include=users"]


def test_the_admin_api_needs_credentials():
    with pytest.raises(ConfigError) as caught:
        build_admin(Settings(subdomain="acme", email="bot@acme.example"))
    assert caught.value.key == "ZENDESK_SUBDOMAIN" and "ZENDESK_API_TOKEN" in caught.value.problem
