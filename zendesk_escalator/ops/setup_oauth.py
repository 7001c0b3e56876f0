"""`escalator setup`'s OAuth client: what lets managers and agents sign in to the dashboard with Zendesk.

It is found by its unique identifier (ZENDESK_OAUTH_CLIENT_ID, default
zendesk_escalator), made confidential (the service keeps its secret) with the
service's callback address as redirect URL, and given the callback of a new
address beside the old ones. Zendesk shows a client's secret only when it makes
one: at creation, or when asked for a new one, which setup does only while
ZENDESK_OAUTH_CLIENT_SECRET is not set (the old secret is then used nowhere).
"""

from typing import Any
from urllib.parse import urlsplit

from ..settings import Settings
from ..zendesk.admin import ZendeskAdmin
from .setup_plan import CREATE, UNCHANGED, UPDATE, Step

CALLBACK_PATH = "/dashboard/login/callback"
CLIENT_NAME = "zendesk-escalator dashboard"


def callback_for(webhook_url: str) -> str:
    """The dashboard's callback on the service's host (the webhook's address names it)."""
    parts = urlsplit(webhook_url)
    return f"{parts.scheme}://{parts.netloc}{CALLBACK_PATH}"


def plan_oauth_client(found: list[dict[str, Any]], identifier: str, callback: str) -> Step:
    """Create the client, add this callback to it, or leave it as it is."""
    client = next((c for c in found if c.get("identifier") == identifier), None)
    if client is None:
        return Step(
            "oauth",
            identifier,
            CREATE,
            {
                "name": CLIENT_NAME,
                "identifier": identifier,
                "kind": "confidential",
                "redirect_uri": [callback],
                "description": "Sign in to the escalations dashboard of zendesk-escalator (reads who you are).",
            },
        )
    redirects = list(client.get("redirect_uri") or [])
    if callback in redirects:
        return Step("oauth", identifier, UNCHANGED, found=client)
    return Step(
        "oauth",
        identifier,
        UPDATE,
        {"redirect_uri": redirects + [callback]},
        client,
        f"adds the redirect URL {callback}",
    )


class OAuthClientSetup:
    """Carry the client's step out through setup's `apply`, keeping the secret Zendesk shows at creation."""

    def __init__(self, admin: ZendeskAdmin, identifier: str, callback: str):
        self.admin, self.identifier, self.callback = admin, identifier, callback
        self.step = plan_oauth_client(admin.oauth_clients(), identifier, callback)
        self.secret: str | None = None

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create the client; its secret is kept to be printed."""
        client = self.admin.create_oauth_client(body)
        self.secret = client.get("secret")
        return client

    def explain(self, client_id: Any, dry_run: bool, secret_set: bool) -> None:
        """Say how sign-in with Zendesk gets its secret (a new one only while none is set)."""
        if dry_run:
            print(
                "Sign-in with Zendesk: "
                + (
                    "setup prints the OAuth client's secret when it creates the client."
                    if self.step.action == CREATE
                    else "the OAuth client exists."
                )
            )
            return
        if self.secret is None and not secret_set:
            self.secret = self.admin.new_client_secret(client_id)
        if self.secret is None:
            print(
                "Sign-in with Zendesk: ZENDESK_OAUTH_CLIENT_SECRET is set (Zendesk never shows a secret again; "
                "unset it and run setup for a new one)."
            )
            return
        print(
            f"Sign-in with Zendesk: set ZENDESK_OAUTH_CLIENT_SECRET where the service runs (environment or .env), "
            f"then restart the web process. Zendesk shows it this once:\n  ZENDESK_OAUTH_CLIENT_SECRET={self.secret}"
        )
        if self.identifier != Settings.oauth_client_id:
            print(f"  ZENDESK_OAUTH_CLIENT_ID={self.identifier}")
