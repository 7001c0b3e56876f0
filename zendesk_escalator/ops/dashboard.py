"""GET /dashboard: open escalations, recent decisions, inbox health and a chart, for ESCALATOR_ADMIN_TOKEN holders.

A browser signs in with the token through a small form (POST /dashboard/sign-in,
with a CSRF token) and gets a session cookie that ends after 12 hours or when
the token changes (sessions.py); scripts send `Authorization: Bearer <token>`.
The token is never accepted in the address, where logs and history keep it.
"""

import secrets
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..core.dashboard_view import DAYS, build
from ..errors import StorageUnavailable
from ..store.escalations import Escalations
from ..store.overview import Overview
from .sessions import SESSION_HOURS, SessionSigner, Throttle, same, secure_cookie

bp = Blueprint("dashboard", __name__)
COOKIE = "escalator_dashboard"
CSRF_COOKIE = "escalator_sign_in"  # the sign-in form's CSRF token, sent back as a form field (double submit)
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # ticket links must not carry the address out
    "X-Content-Type-Options": "nosniff",
    # No script, nothing from elsewhere: ticket data on the page can do nothing even if it slipped escaping.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}
OFF = ("The dashboard is off: set ESCALATOR_ADMIN_TOKEN (at least 16 random characters) "
       "and restart the web process to enable it.\n")


@bp.get("/dashboard")
def dashboard():
    """The page, for holders of the admin token; 403 when no token is configured, else the sign-in form (401)."""
    services = current_app.extensions["escalator"]
    token, now = services.settings.admin_token, services.clock().timestamp()
    if not token:
        return _text(OFF, 403)
    if "Authorization" in request.headers:
        scheme, _, given = request.headers["Authorization"].partition(" ")
        refused = _check_guess(given if scheme.lower() == "bearer" else None, token, now)
        if refused:
            return refused
    elif not SessionSigner(token).valid(request.cookies.get(COOKIE, ""), now):
        return _sign_in_page(401)
    try:
        view = _gather(services)
    except StorageUnavailable as error:
        return _text(f"The database is unavailable: {error}\n", 503, {"Retry-After": "10"})
    settings = services.settings
    tickets = f"https://{settings.subdomain}.zendesk.com/agent/tickets/" if settings.subdomain else None
    page = render_template("dashboard.html", view=view, tickets=tickets, dry_run=settings.dry_run, days=DAYS)
    return page, 200, HEADERS


@bp.post("/dashboard/sign-in")
def sign_in():
    """Check the token the form sent (throttled, CSRF-checked); a right one gets a session cookie."""
    services = current_app.extensions["escalator"]
    token, now = services.settings.admin_token, services.clock().timestamp()
    if not token:
        return _text(OFF, 403)
    form_token = request.form.get("csrf", "")
    if not form_token or not same(form_token, request.cookies.get(CSRF_COOKIE, "")):
        return _sign_in_page(403, "The sign-in form expired or came from elsewhere: sign in again.")
    refused = _check_guess(request.form.get("token", ""), token, now, form=True)
    if refused:
        return refused
    answer = redirect(url_for(".dashboard"), 303)
    answer.set_cookie(COOKIE, SessionSigner(token).new(now), max_age=SESSION_HOURS * 3600, **_cookie_options())
    answer.delete_cookie(CSRF_COOKIE, path=url_for(".dashboard"))
    answer.headers.update(HEADERS)
    return answer


def _check_guess(given: str | None, token: str, now: float, form: bool = False):
    """None when the token is right; else the answer: 429 while this address is throttled, 401 for a wrong one."""
    throttle = current_app.extensions.setdefault("escalator_sign_in_throttle", Throttle())
    address = request.remote_addr or "unknown"
    wait = throttle.wait(address, now)
    if wait:
        return _text(f"Too many wrong tokens from {address}: try again in {wait} s.\n", 429, {"Retry-After": str(wait)})
    if given is not None and same(given.strip(), token):
        return None
    throttle.missed(address, now)
    return _sign_in_page(401, "That is not the admin token." if form else "")


def _sign_in_page(status: int, problem: str = ""):
    """The sign-in form with a fresh CSRF token (also in a cookie only this site's forms send back)."""
    csrf = secrets.token_urlsafe(24)
    answer = current_app.make_response((render_template("sign_in.html", csrf=csrf, problem=problem,
                                                        hours=SESSION_HOURS), status))
    answer.headers.update({**HEADERS, "WWW-Authenticate": 'Bearer realm="escalator dashboard"'})
    answer.set_cookie(CSRF_COOKIE, csrf, max_age=3600, **_cookie_options())
    return answer


def _cookie_options() -> dict:
    return {"path": url_for(".dashboard"), "httponly": True, "samesite": "Strict",
            "secure": secure_cookie(request.scheme, request.remote_addr, request.headers)}


def _gather(services):
    """Read what the page shows and build its view model."""
    now = services.clock()
    overview = Overview(services.inbox)
    episodes = Escalations(services.inbox).open_ones()
    return build(episodes, overview.moments([e.ticket_id for e in episodes]), overview.decisions(),
                 overview.health(now.timestamp()), overview.opened_since(now - timedelta(days=DAYS)), now,
                 {level.level: level.name for level in services.policy.levels if level.name})


def _text(message: str, status: int, headers: dict | None = None) -> tuple:
    return message, status, {"Content-Type": "text/plain; charset=utf-8", **HEADERS, **(headers or {})}
