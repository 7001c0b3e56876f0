"""Credentials: a 401 or a 403 told apart (the account's condition or one ticket's) against the HTTP layer
(responses), and the state every process reads written to the database (the worker holding its rows is
tests/scenarios/test_zendesk_credentials.py's)."""

import logging
from dataclasses import replace

import pytest
import responses
from conftest import API

from zendesk_escalator.errors import ZendeskError
from zendesk_escalator.store.credential_state import (
    NOT_AGENT,
    OK,
    REJECTED,
    UNKNOWN,
    CredentialState,
    CredentialStates,
)
from zendesk_escalator.worker.credentials import LOG_EVERY, Credentials
from zendesk_escalator.zendesk.client import ZendeskClient

TICKET, ME = f"{API}/tickets/7.json", f"{API}/users/me.json"
NOW = 1_800_000_000.0
AGENT = {"user": {"id": 900000000001, "email": "bot@acme.example", "role": "agent", "active": True}}


@pytest.fixture
def client(settings):
    return ZendeskClient(settings)


@pytest.fixture
def credentials(settings, inbox):
    return Credentials(settings, CredentialStates(inbox.database))


def refused_read(client, status: int) -> ZendeskError:
    """What the worker catches when Zendesk answers a ticket read with `status`."""
    responses.get(TICKET, status=status, json={"error": "Forbidden" if status == 403 else "Couldn't authenticate you"})
    with pytest.raises(ZendeskError) as caught:
        client.ticket(7)
    return caught.value


def paths() -> list[str]:
    return [call.request.url.split("?")[0] for call in responses.calls]


@responses.activate
def test_a_401_is_the_credentials_without_asking_who_they_are(client, credentials):
    state = credentials.refusal(refused_read(client, 401), client.current_user, NOW)
    assert state.state == REJECTED and state.refused
    assert "fix ZENDESK_API_TOKEN (with ZENDESK_EMAIL=bot@acme.example)" in state.reason
    assert paths() == [TICKET]  # no users/me


@responses.activate
def test_the_oauth_token_is_the_variable_named_when_it_is_the_credentials(settings, inbox, client):
    oauth = replace(settings, oauth_token="oauth-t0ken")
    credentials = Credentials(oauth, CredentialStates(inbox.database))
    state = credentials.refusal(refused_read(client, 401), client.current_user, NOW)
    assert "fix ZENDESK_OAUTH_TOKEN where the service runs" in state.reason


@responses.activate
def test_a_403_for_an_agent_is_the_tickets_own(client, credentials):
    responses.get(ME, json=AGENT)
    assert credentials.refusal(refused_read(client, 403), client.current_user, NOW) is None
    assert paths() == [TICKET, ME]


@pytest.mark.parametrize(
    "user, says",
    [
        ({"role": "end-user"}, "(role end-user)"),
        ({"role": "agent", "suspended": True}, "(suspended or deactivated)"),
        ({"role": "admin", "active": False}, "(suspended or deactivated)"),
    ],
)
@responses.activate
def test_a_403_for_a_user_who_is_no_agent_is_the_accounts_condition(client, credentials, user, says):
    responses.get(ME, json={"user": {**AGENT["user"], **user}})
    state = credentials.refusal(refused_read(client, 403), client.current_user, NOW)
    assert state.state == NOT_AGENT and state.since == NOW
    assert "integration user bot@acme.example (user 900000000001) is no longer an agent or admin " + says in (
        state.reason
    )


@pytest.mark.parametrize("me_status, state", [(401, REJECTED), (500, None)])
@responses.activate
def test_a_403_then_who_am_i_refused(client, credentials, me_status, state):
    """401 from users/me is the credentials; another failure there says nothing about them."""
    responses.get(ME, status=me_status, json={"error": "Couldn't authenticate you"})
    found = credentials.refusal(refused_read(client, 403), client.current_user, NOW)
    assert (found and found.state) == state


@responses.activate
def test_other_errors_are_the_rows_own(client, credentials):
    assert credentials.refusal(refused_read(client, 404), client.current_user, NOW) is None
    assert credentials.refusal(ValueError("not Zendesk's"), client.current_user, NOW) is None
    assert paths() == [TICKET]


def test_a_refusal_is_written_once_and_logged_at_most_once_a_minute(inbox, credentials, caplog):
    states = CredentialStates(inbox.database)
    assert states.read().state == UNKNOWN
    rejected = CredentialState(REJECTED, "Zendesk refuses the credentials (401); fix ZENDESK_API_TOKEN")
    with caplog.at_level(logging.ERROR, "zendesk_escalator.worker.credentials"):
        credentials.refused(rejected, NOW, held=3)
        credentials.refused(rejected, NOW + 10, held=1)  # the same condition: neither written nor logged again
        credentials.refused(rejected, NOW + LOG_EVERY, held=2)
    stored = states.read()
    assert (stored.state, stored.since, stored.reason) == (REJECTED, NOW, rejected.reason)
    assert [r.getMessage().rsplit(". ", 1)[-1] for r in caplog.records] == [
        "Rows are held, not lost (3 more now); work resumes when a call succeeds.",
        "Rows are held, not lost (2 more now); work resumes when a call succeeds.",
    ]


def test_a_success_after_a_refusal_wakes_the_held_rows_once(inbox, credentials, caplog):
    states = CredentialStates(inbox.database)
    credentials.refused(CredentialState(REJECTED, "Zendesk refuses the credentials (401)"), NOW, held=1)
    with caplog.at_level(logging.WARNING, "zendesk_escalator.worker.credentials"):
        assert credentials.succeeded(NOW + 5) is True
        assert credentials.succeeded(NOW + 6) is False  # known to work: not written again
    assert states.read() == CredentialState(OK, "", NOW + 5)
    assert "Zendesk accepts the credentials again" in caplog.text


def test_the_first_success_is_recorded_but_wakes_nothing(inbox, credentials):
    assert credentials.succeeded(NOW) is False
    assert CredentialStates(inbox.database).read().state == OK
