"""Sign in with Zendesk: GET /dashboard/login sends the browser to Zendesk's authorization page, GET
/dashboard/login/callback takes the code back, reads who the user is and lets admins and the roles the policy's
[dashboard] names in.

The state and the PKCE verifier travel in a short signed cookie (SameSite=Lax: Zendesk's redirect back is a
navigation from another site, which a Strict cookie would not come with). The session cookie is Strict, so the
callback answers with a page that moves on to /dashboard itself rather than with a redirect: a redirect would
still belong to the navigation Zendesk started, and arrive without it.
"""

import logging
import secrets
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeSerializer

from ..core.reporting.dashboard_access import may_open, role_name
from ..errors import SignInFailed, SignInMisconfigured
from ..zendesk.oauth import ZendeskSignIn, authorize_url, pkce_pair
from ..zendesk.transport import ZendeskSession
from .dashboard_auth import HEADERS, cookie_options, signed_in, text
from .sessions import ZENDESK, Viewer, same, secure_cookie, session_key

log = logging.getLogger(__name__)
bp = Blueprint("dashboard_oauth", __name__)
FLOW_COOKIE = "escalator_sign_in_flow"
FLOW_SECONDS = 600  # from leaving for Zendesk to coming back
CALLBACK = "/dashboard/login/callback"
NOT_SET_UP = (
    "Signing in with Zendesk is not set up: run `escalator setup`, which creates the OAuth client and "
    "prints ZENDESK_OAUTH_CLIENT_SECRET, set it where the service runs and restart it.\n"
)


@bp.get("/dashboard/login")
def login() -> ResponseReturnValue:
    """Send the browser to Zendesk's authorization page, with a state and a PKCE challenge kept in a cookie."""
    services = current_app.extensions["escalator"]
    settings = services.settings
    if not settings.zendesk_sign_in:
        return text(NOT_SET_UP, 404)
    state, (verifier, challenge) = secrets.token_urlsafe(24), pkce_pair()
    flow = _flows().dumps({"state": state, "verifier": verifier, "ends": services.clock().timestamp() + FLOW_SECONDS})
    answer = redirect(
        authorize_url(settings.zendesk_base_url, settings.oauth_client_id, redirect_uri(), state, challenge), 302
    )
    answer.set_cookie(FLOW_COOKIE, flow, max_age=FLOW_SECONDS, **cookie_options("Lax", "/dashboard/login"))
    answer.headers.update(HEADERS)
    return answer


@bp.get(CALLBACK)
def callback() -> ResponseReturnValue:
    """Take Zendesk's answer: exchange the code, read the user's role, let them in or say why not."""
    services = current_app.extensions["escalator"]
    settings, now = services.settings, services.clock().timestamp()
    if not settings.zendesk_sign_in:
        return text(NOT_SET_UP, 404)
    flow = _flow(request.cookies.get(FLOW_COOKIE, ""), now)
    if flow is None or not same(request.args.get("state", ""), flow["state"]):
        return _page(400, "Sign-in expired", "This sign-in took longer than 10 minutes or started elsewhere.")
    if "error" in request.args:  # the user did not allow it, or Zendesk refused the request
        said = request.args.get("error_description") or request.args["error"]
        return _page(403, "Not signed in", f"Zendesk did not sign you in: {said[:200]}")
    session = ZendeskSession(
        f"https://{settings.client_subdomain}.zendesk.com", settings.zendesk_base_url, services.metrics.zendesk_call
    )
    try:
        user = ZendeskSignIn(
            session, settings.oauth_client_id, settings.oauth_client_secret, settings.api_timeout
        ).user(request.args.get("code", ""), flow["verifier"], redirect_uri())
    except SignInFailed as error:
        log.warning("dashboard: a sign-in with Zendesk failed: %s", error)
        again = "" if isinstance(error, SignInMisconfigured) else " Try again in a minute."
        return _page(502, "Not signed in", f"{error}.{again}")
    viewer = Viewer(ZENDESK, user["id"], str(user.get("name") or f"user {user['id']}"), role_name(user))
    if not may_open(user, services.policy.dashboard):
        log.warning("dashboard: %s signed in with Zendesk and was refused (role)", viewer.who)
        return _page(
            403,
            "Not for your role",
            f"You are signed in to Zendesk as {viewer.name} ({viewer.role}). "
            "The escalations dashboard is for admins and the roles the service's policy names in its "
            "[dashboard] roles; ask an admin of your Zendesk account.",
        )
    log.info("dashboard: %s signed in with Zendesk", viewer.who)
    answer = current_app.make_response(
        _page(200, "Signed in", f"Signed in as {viewer.name} ({viewer.role}).", onward=True)
    )
    answer.delete_cookie(FLOW_COOKIE, path="/dashboard/login")
    return signed_in(answer, viewer, now)


def redirect_uri() -> str:
    """This service's callback address, as setup registers it: https, unless plain http from this machine."""
    scheme = "https" if secure_cookie(request.scheme, request.remote_addr, request.headers) else "http"
    return f"{scheme}://{request.host}{CALLBACK}"


def _flows() -> URLSafeSerializer:
    settings = current_app.extensions["escalator"].settings
    key = session_key(settings.admin_token, settings.oauth_client_secret)
    assert key is not None  # the sign-in routes answer 404 unless zendesk_sign_in (a client secret) is set
    return URLSafeSerializer(key, salt="zendesk sign-in")


def _flow(value: str, now: float) -> dict[str, Any] | None:
    try:
        flow = _flows().loads(value)
    except BadSignature:
        return None
    return flow if isinstance(flow, dict) and now < flow.get("ends", 0) else None


def _page(status: int, title: str, message: str, onward: bool = False) -> tuple[str, int, dict[str, str]]:
    page = render_template(
        "message.html",
        title=title,
        message=message,
        onward=onward,
        again=url_for(".login"),
        dashboard=url_for("dashboard.dashboard"),
    )
    return page, status, HEADERS
