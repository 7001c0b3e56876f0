"""Setup's OAuth client for "Sign in with Zendesk": created confidential with the service's callback, a new
callback added beside the old ones; its secret printed when Zendesk shows one, a new one asked for only while none
is set (responses)."""

import pytest
import responses
from conftest import API
from responses.matchers import json_params_matcher

from zendesk_escalator.ops.setup_oauth import OAuthClientSetup, callback_for, plan_oauth_client
from zendesk_escalator.ops.setup_plan import CREATE, UNCHANGED, UPDATE
from zendesk_escalator.zendesk.client import build_admin

CALLBACK = "https://esc.example.com/dashboard/login/callback"
CLIENT = {
    "id": 61,
    "identifier": "zendesk_escalator",
    "redirect_uri": ["https://old.example.com/dashboard/login/callback"],
}


def test_the_callback_is_on_the_webhooks_host():
    assert callback_for("https://esc.example.com:8443/webhooks/zendesk?x=1") == (
        "https://esc.example.com:8443/dashboard/login/callback"
    )


def test_a_missing_client_is_created_confidential_with_the_callback():
    step = plan_oauth_client([{"identifier": "another"}], "zendesk_escalator", CALLBACK)
    assert (step.action, step.body) == (
        CREATE,
        {
            "name": "zendesk-escalator dashboard",
            "identifier": "zendesk_escalator",
            "kind": "confidential",
            "redirect_uri": [CALLBACK],
            "description": "Sign in to the escalations dashboard of zendesk-escalator (reads who you are).",
        },
    )


def test_a_new_callback_is_added_beside_the_old_ones_and_a_known_one_changes_nothing():
    step = plan_oauth_client([CLIENT], "zendesk_escalator", CALLBACK)
    assert (step.action, step.body, step.id) == (UPDATE, {"redirect_uri": [*CLIENT["redirect_uri"], CALLBACK]}, 61)
    assert step.why == f"adds the redirect URL {CALLBACK}"
    assert plan_oauth_client([CLIENT], "zendesk_escalator", CLIENT["redirect_uri"][0]).action == UNCHANGED


@pytest.fixture
def clients(settings):
    with responses.RequestsMock() as answers:
        yield answers, build_admin(settings)


def test_the_secret_zendesk_shows_at_creation_is_printed_once(clients, capsys):
    answers, admin = clients
    answers.get(f"{API}/oauth/clients.json", json={"clients": []})
    setup = OAuthClientSetup(admin, "escalator_eu", CALLBACK)
    answers.post(
        f"{API}/oauth/clients.json",
        json={"client": {"id": 62, "secret": "s3cret"}},
        match=[json_params_matcher({"client": setup.step.body})],
    )
    assert setup.create(setup.step.body)["id"] == 62
    setup.explain(62, dry_run=False, secret_set=False)
    out = capsys.readouterr().out
    assert "  ZENDESK_OAUTH_CLIENT_SECRET=s3cret\n" in out and "  ZENDESK_OAUTH_CLIENT_ID=escalator_eu\n" in out
    assert len(answers.calls) == 2  # no new secret asked for


def test_a_new_secret_is_asked_for_only_while_none_is_set(clients, capsys):
    answers, admin = clients
    answers.get(f"{API}/oauth/clients.json", json={"clients": [CLIENT]})
    answers.put(f"{API}/oauth/clients/61/generate_secret.json", json={"client": {"id": 61, "secret": "n3w"}})
    setup = OAuthClientSetup(admin, "zendesk_escalator", CALLBACK)
    setup.explain(61, dry_run=False, secret_set=True)
    assert "ZENDESK_OAUTH_CLIENT_SECRET is set" in capsys.readouterr().out and len(answers.calls) == 1
    setup.explain(61, dry_run=False, secret_set=False)
    out = capsys.readouterr().out
    assert "ZENDESK_OAUTH_CLIENT_SECRET=n3w" in out and "ZENDESK_OAUTH_CLIENT_ID" not in out
    assert answers.calls[-1].request.method == "PUT"


def test_a_dry_run_asks_for_no_secret(clients, capsys):
    answers, admin = clients
    answers.get(f"{API}/oauth/clients.json", json={"clients": []})
    OAuthClientSetup(admin, "zendesk_escalator", CALLBACK).explain(None, dry_run=True, secret_set=False)
    assert capsys.readouterr().out == (
        "Sign-in with Zendesk: setup prints the OAuth client's secret when it creates the client.\n"
    )
    assert len(answers.calls) == 1
