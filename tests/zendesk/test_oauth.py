"""Signing in with Zendesk at the HTTP layer (responses): the code exchange's body, users/me with the token once,
refusals said plainly, the client secret's check; the authorization address with PKCE."""

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from zendesk_escalator.errors import SignInFailed, SignInMisconfigured
from zendesk_escalator.zendesk.oauth import REFRESH_SECONDS, TOKEN_SECONDS, ZendeskSignIn, authorize_url, pkce_pair
from zendesk_escalator.zendesk.transport import ZendeskSession

BASE = "https://acme.zendesk.com"
CALLBACK = "https://escalator.acme.example/dashboard/oauth/callback"
USER = {"id": 900000000011, "name": "Alex Admin", "role": "admin"}


@pytest.fixture
def sign_in():
    with responses.RequestsMock() as answers:
        yield ZendeskSignIn(ZendeskSession(BASE, BASE), "escalator_dashboard", "client-secret", 5), answers


def test_the_challenge_is_the_verifiers_s256_and_each_pair_is_new():
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    assert challenge == digest and pkce_pair()[0] != verifier


def test_the_authorization_address_asks_for_read_with_the_state_and_the_challenge():
    url = urlsplit(authorize_url(BASE, "escalator_dashboard", CALLBACK, "st4te", "ch4llenge"))
    assert (url.scheme, url.netloc, url.path) == ("https", "acme.zendesk.com", "/oauth/authorizations/new")
    assert parse_qs(url.query) == {
        "response_type": ["code"],
        "client_id": ["escalator_dashboard"],
        "redirect_uri": [CALLBACK],
        "scope": ["read"],
        "state": ["st4te"],
        "code_challenge": ["ch4llenge"],
        "code_challenge_method": ["S256"],
    }


def test_the_code_is_exchanged_with_the_secret_and_verifier_and_the_token_reads_me_once(sign_in):
    signer, answers = sign_in
    answers.post(f"{BASE}/oauth/tokens", json={"access_token": "user-token", "token_type": "bearer"})
    answers.get(f"{BASE}/api/v2/users/me.json", json={"user": USER})
    assert signer.user("the-code", "the-verifier", CALLBACK) == USER
    exchange, me = answers.calls
    assert json.loads(exchange.request.body) == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "client_id": "escalator_dashboard",
        "client_secret": "client-secret",
        "redirect_uri": CALLBACK,
        "scope": "read",
        "code_verifier": "the-verifier",
        "expires_in": TOKEN_SECONDS,
        "refresh_token_expires_in": REFRESH_SECONDS,
    }
    assert me.request.headers["Authorization"] == "Bearer user-token"
    assert "Authorization" not in exchange.request.headers  # the service's own credentials are never sent


def test_a_wrong_client_secret_is_misconfiguration_not_the_users_fault(sign_in):
    signer, answers = sign_in
    answers.post(f"{BASE}/oauth/tokens", status=401, json={"error": "invalid_client"})
    with pytest.raises(SignInMisconfigured) as caught:
        signer.user("the-code", "v", CALLBACK)
    assert (caught.value.status, caught.value.answered) == (401, "401: invalid_client")
    assert "ZENDESK_OAUTH_CLIENT_SECRET" in str(caught.value) and "client-secret" not in str(caught.value)


@pytest.mark.parametrize(
    "tokens, me, said",
    [
        (
            {"status": 400, "json": {"error": "invalid_grant", "error_description": "The code was used"}},
            None,
            "Zendesk refused exchanging the code (400: The code was used)",
        ),
        ({"json": {"token_type": "bearer"}}, None, "Zendesk's answer to the code exchange holds no access token"),
        ({"json": {"access_token": "t"}}, {"json": {"user": {"name": "x"}}}, "Zendesk's users/me.json answer holds"),
        ({"json": {"access_token": "t"}}, {"status": 403, "body": "no"}, "Zendesk refused reading who you are (403)"),
        ({"json": {"access_token": "t"}}, {"status": 401}, "Zendesk refused reading who you are (401)"),
    ],
)
def test_a_refused_or_odd_answer_signs_nobody_in_and_says_which(sign_in, tokens, me, said):
    signer, answers = sign_in
    answers.post(f"{BASE}/oauth/tokens", **tokens)
    if me is not None:
        answers.get(f"{BASE}/api/v2/users/me.json", **me)
    with pytest.raises(SignInFailed) as caught:
        signer.user("the-code", "v", CALLBACK)
    assert str(caught.value).startswith(said) and not isinstance(caught.value, SignInMisconfigured)


def test_the_secrets_check_takes_invalid_grant_for_a_good_secret(sign_in):
    signer, answers = sign_in
    answers.post(f"{BASE}/oauth/tokens", status=400, json={"error": "invalid_grant"})
    assert signer.try_secret(CALLBACK) is None
    body = json.loads(answers.calls[0].request.body)
    assert (body["code"], body["client_secret"], "code_verifier" in body) == (
        "escalator-check-not-a-code",
        "client-secret",
        False,
    )


@pytest.mark.parametrize(
    "answer, error", [({"status": 401}, SignInMisconfigured), ({"json": {"access_token": "t"}}, SignInFailed)]
)
def test_the_secrets_check_refuses_a_wrong_secret_and_a_token_for_a_made_up_code(sign_in, answer, error):
    signer, answers = sign_in
    answers.post(f"{BASE}/oauth/tokens", **answer)
    with pytest.raises(error):
        signer.try_secret(CALLBACK)
