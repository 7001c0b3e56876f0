"""Signing in with Zendesk: the authorization page's address (PKCE, state), the code exchange, who the user is.

Zendesk's authorization-code grant: the browser goes to
{base}/oauth/authorizations/new, Zendesk sends it back with a code, and the service
exchanges the code (with its client secret and the PKCE verifier) at POST
{base}/oauth/tokens for an access token of scope `read`. That token is used once,
for GET /api/v2/users/me.json, and dropped: the session keeps who the user is and
their role, never the token; Zendesk is asked to end it after TOKEN_SECONDS (its
shortest) and its refresh token after REFRESH_SECONDS (its shortest), as nothing
here can revoke it with `read` alone.
"""

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

import requests

from ..errors import SignInFailed, SignInMisconfigured, ZendeskError
from .transport import ZendeskSession, translated_errors

SCOPE = "read"
TOKEN_SECONDS = 360  # Zendesk wants more than 300
REFRESH_SECONDS = 7 * 86400 + 60  # Zendesk wants more than 7 days
AUTHORIZE, TOKENS, ME = "/oauth/authorizations/new", "/oauth/tokens", "/api/v2/users/me.json"


def pkce_pair() -> tuple[str, str]:
    """A fresh PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)  # 64 characters: PKCE asks for 43 to 128
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def authorize_url(base: str, client_id: str, redirect_uri: str, state: str, challenge: str) -> str:
    """Where the browser asks the user to allow the dashboard to read their Zendesk profile."""
    return (
        base
        + AUTHORIZE
        + "?"
        + urlencode(
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "scope": SCOPE,
                "state": state,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
    )


class ZendeskSignIn:
    """The two calls of a sign-in, through a session that carries no credentials of the service."""

    def __init__(self, session: ZendeskSession, client_id: str, client_secret: str, timeout: float):
        self.session, self.client_id, self.client_secret, self.timeout = session, client_id, client_secret, timeout

    def user(self, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
        """Exchange the code, read users/me.json with the token, forget the token; the user as Zendesk has it."""
        answer = self._call(
            "POST",
            TOKENS,
            "exchanging the code",
            json={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "redirect_uri": redirect_uri,
                "scope": SCOPE,
                "code_verifier": verifier,
                "expires_in": TOKEN_SECONDS,
                "refresh_token_expires_in": REFRESH_SECONDS,
            },
        )
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise SignInFailed("Zendesk's answer to the code exchange holds no access token")
        user = self._call("GET", ME, "reading who you are", headers={"Authorization": f"Bearer {token}"}).get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), int):
            raise SignInFailed("Zendesk's users/me.json answer holds no user")
        return user

    def try_secret(self, redirect_uri: str) -> None:
        """Raise SignInMisconfigured when Zendesk refuses the client's secret, SignInFailed for another answer.

        A code exchange with a made-up code: Zendesk authenticates the client first (401
        invalid_client, as OAuth 2.0 answers), then finds no such code (400 invalid_grant),
        so no token is ever made. (Zendesk's order of the two checks is UNCONFIRMED: the
        grant-type tokens page documents the parameters, not the errors.)
        """
        try:
            self._call(
                "POST",
                TOKENS,
                "trying the client's secret",
                json={
                    "grant_type": "authorization_code",
                    "code": "escalator-check-not-a-code",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "redirect_uri": redirect_uri,
                    "scope": SCOPE,
                },
            )
        except SignInMisconfigured:
            raise
        except SignInFailed as error:
            if error.status == 400:
                return
            raise
        raise SignInFailed("Zendesk made a token for a made-up code")

    def _call(self, method: str, path: str, doing: str, **options: Any) -> dict[str, Any]:
        try:
            with translated_errors(self.session):
                response = self.session.request(
                    method, self.session.canonical_base + path, timeout=self.timeout, **options
                )
        except ZendeskError as error:  # no answer: a timeout, a refused connection
            raise SignInFailed(f"Zendesk did not answer while {doing} ({error})") from None
        body = _json(response)
        if not response.ok:
            said = body.get("error_description") or body.get("error") or body.get("description") or ""
            answered = f"{response.status_code}{': ' + str(said) if said else ''}"
            if response.status_code == 401 and path == TOKENS:  # invalid_client: the secret, not the user's code
                raise SignInMisconfigured(
                    f"Zendesk refused the service's OAuth client {self.client_id} ({answered}): "
                    f"ZENDESK_OAUTH_CLIENT_SECRET where the service runs is not that client's secret (or "
                    f"ZENDESK_OAUTH_CLIENT_ID names another client). An admin runs `escalator setup` with "
                    f"ZENDESK_OAUTH_CLIENT_SECRET unset, which prints a new one, sets it where the service runs and "
                    f"restarts it; `escalator check` tests it",
                    response.status_code,
                    answered,
                )
            raise SignInFailed(f"Zendesk refused {doing} ({answered})", response.status_code, answered)
        return body


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
