"""Who is looking at the dashboard: a session cookie (the admin token's form, or Zendesk's sign-in), or a script's
bearer token; the admin token's sign-in form (POST /dashboard/sign-in).

The token is never accepted in the address, where logs and history keep it.
"""

import secrets
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse

from .sessions import SESSION_HOURS, TOKEN, SessionSigner, Throttle, Viewer, same, secure_cookie, session_key

bp = Blueprint("dashboard_auth", __name__)
COOKIE = "escalator_dashboard"
CSRF_COOKIE = "escalator_sign_in"  # the sign-in form's CSRF token, sent back as a form field (double submit)
PATH = "/dashboard"
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # ticket links must not carry the address out
    "X-Content-Type-Options": "nosniff",
    # Nothing from elsewhere, no inline script: ticket data on the page can do nothing even if it slipped escaping.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}
OFF = (
    "The dashboard is off: set ESCALATOR_ADMIN_TOKEN (at least 16 random characters), or "
    "ZENDESK_OAUTH_CLIENT_SECRET for signing in with Zendesk (`escalator setup` prints it), and restart the "
    "web process to enable it.\n"
)


def signer() -> SessionSigner | None:
    """The session signer of this installation (None: the dashboard is off)."""
    settings = current_app.extensions["escalator"].settings
    key = session_key(settings.admin_token, settings.oauth_client_secret if settings.zendesk_sign_in else None)
    return SessionSigner(key) if key else None


def signer_on() -> SessionSigner:
    """The session signer where the dashboard is known to be on (someone signed in, or signs in)."""
    sessions = signer()
    assert sessions is not None  # viewer_or_answer answers 403 while the dashboard is off
    return sessions


def viewer_or_answer() -> tuple[Viewer | None, ResponseReturnValue | None]:
    """(who is looking, None), or (None, the answer to give instead: 403 off, 401 the sign-in page, 429)."""
    services = current_app.extensions["escalator"]
    token, now, sessions = services.settings.admin_token, services.clock().timestamp(), signer()
    if sessions is None:
        return None, text(OFF, 403)
    if "Authorization" in request.headers:
        scheme, _, given = request.headers["Authorization"].partition(" ")
        refused = check_guess(given if scheme.lower() == "bearer" else None, token, now)
        return (None, refused) if refused else (Viewer(TOKEN), None)
    viewer = sessions.viewer(request.cookies.get(COOKIE, ""), now)
    return (viewer, None) if viewer else (None, sign_in_page(401))


@bp.post("/dashboard/sign-in")
def sign_in() -> ResponseReturnValue:
    """Check the token the form sent (throttled, CSRF-checked); a right one gets a session cookie."""
    services = current_app.extensions["escalator"]
    token, now = services.settings.admin_token, services.clock().timestamp()
    if not token:
        return text("No admin token is set (ESCALATOR_ADMIN_TOKEN): sign in with Zendesk instead.\n", 403)
    form_token = request.form.get("csrf", "")
    if not form_token or not same(form_token, request.cookies.get(CSRF_COOKIE, "")):
        return sign_in_page(403, "The sign-in form expired or came from elsewhere: sign in again.")
    refused = check_guess(request.form.get("token", ""), token, now, form=True)
    if refused:
        return refused
    return signed_in(redirect(url_for("dashboard.dashboard"), 303), Viewer(TOKEN), now)


def signed_in(answer: BaseResponse, viewer: Viewer, now: float) -> BaseResponse:
    """The answer, with a new session cookie for this viewer."""
    answer.set_cookie(COOKIE, signer_on().new(now, viewer), max_age=SESSION_HOURS * 3600, **cookie_options())
    answer.delete_cookie(CSRF_COOKIE, path=PATH)
    answer.headers.update(HEADERS)
    return answer


def check_guess(given: str | None, token: str | None, now: float, form: bool = False) -> ResponseReturnValue | None:
    """None when the token is right; else the answer: 429 while this address is throttled, 401 for a wrong one."""
    throttle = current_app.extensions.setdefault("escalator_sign_in_throttle", Throttle())
    address = request.remote_addr or "unknown"
    wait = throttle.wait(address, now)
    if wait:
        return text(f"Too many wrong tokens from {address}: try again in {wait} s.\n", 429, {"Retry-After": str(wait)})
    if token and given is not None and same(given.strip(), token):
        return None
    throttle.missed(address, now)
    return sign_in_page(401, "That is not the admin token." if form else "")


def sign_in_page(status: int, problem: str = "") -> Response:
    """The sign-in page: Sign in with Zendesk, and the admin token's form with a fresh CSRF token (also in a
    cookie only this site's forms send back)."""
    settings = current_app.extensions["escalator"].settings
    csrf = secrets.token_urlsafe(24)
    page = render_template(
        "sign_in.html",
        csrf=csrf,
        problem=problem,
        hours=SESSION_HOURS,
        zendesk=settings.zendesk_sign_in,
        token=bool(settings.admin_token),
    )
    answer = current_app.make_response((page, status))
    answer.headers.update({**HEADERS, "WWW-Authenticate": 'Bearer realm="escalator dashboard"'})
    answer.set_cookie(CSRF_COOKIE, csrf, max_age=3600, **cookie_options())
    return answer


def cookie_options(samesite: str = "Strict", path: str = PATH) -> dict[str, Any]:
    """HttpOnly, limited to the dashboard, Secure unless plain http from this machine."""
    return {
        "path": path,
        "httponly": True,
        "samesite": samesite,
        "secure": secure_cookie(request.scheme, request.remote_addr, request.headers),
    }


def text(message: str, status: int, headers: dict[str, str] | None = None) -> tuple[str, int, dict[str, str]]:
    """A plain-text answer with the dashboard's headers."""
    return message, status, {"Content-Type": "text/plain; charset=utf-8", **HEADERS, **(headers or {})}
