"""`escalator check`: the OAuth client of "Sign in with Zendesk", when ZENDESK_OAUTH_CLIENT_SECRET is set here.

What can be known without a person signing in: the client exists with the identifier
(ZENDESK_OAUTH_CLIENT_ID), lists the service's callback among its redirect URLs, and
Zendesk takes the secret (a code exchange with a made-up code: 401 for a wrong secret,
400 for the code; no token is made). Two calls.
"""

from ..errors import SignInFailed, SignInMisconfigured
from ..zendesk.oauth import ZendeskSignIn
from ..zendesk.transport import ZendeskSession
from .check_context import OK, PROBLEM, WARN, Context, Row
from .setup_oauth import callback_for

NEW_SECRET = "unset it, run `escalator setup` (it prints a new one), set that where the service runs and restart it"


def check_oauth_client(ctx: Context) -> list[Row]:
    """The dashboard's OAuth client exists, lists the service's callback, and takes ZENDESK_OAUTH_CLIENT_SECRET."""
    identifier, secret = ctx.oauth
    if not secret:
        return []  # no sign-in with Zendesk where this runs: nothing to try
    subject = f"oauth client {identifier}"
    client = next((c for c in ctx.admin.oauth_clients() if c.get("identifier") == identifier), None)
    if client is None:
        return [
            Row(
                PROBLEM,
                subject,
                "not found in Zendesk (ZENDESK_OAUTH_CLIENT_ID): sign-in with Zendesk fails; "
                "`escalator setup` creates it and prints its secret",
            )
        ]
    hook = ctx.our_webhook
    callback = callback_for(hook["endpoint"]) if hook and hook.get("endpoint") else None
    redirects = client.get("redirect_uri") or []
    rows = []
    # Without the service's credentials, as a browser's sign-in is; its call is counted with the others.
    session = ZendeskSession(ctx.admin.session.canonical_base, ctx.admin.session.api_base)
    try:
        ZendeskSignIn(session, identifier, secret, ctx.admin.timeout).try_secret(callback or (redirects or [""])[0])
        rows.append(Row(OK, subject, f"[{client['id']}]: Zendesk accepts ZENDESK_OAUTH_CLIENT_SECRET as its secret"))
    except SignInMisconfigured as error:
        rows.append(
            Row(
                PROBLEM,
                subject,
                f"Zendesk refuses ZENDESK_OAUTH_CLIENT_SECRET as this client's secret "
                f"({error.answered}): sign-in with Zendesk fails; {NEW_SECRET}",
            )
        )
    except SignInFailed as error:
        rows.append(Row(WARN, subject, f"the secret could not be tried: {error}"))
    finally:
        ctx.admin.session.calls.update(session.calls)
    if callback and callback not in redirects:
        rows.append(
            Row(
                PROBLEM,
                subject,
                f"[{client['id']}] does not list {callback} among its redirect URLs: "
                f"Zendesk refuses the sign-in; `escalator setup` adds it",
            )
        )
    return rows
