"""GET /dashboard: open escalations, recent decisions, inbox health and a chart, for ESCALATOR_ADMIN_TOKEN holders.

The token opens it three ways: `Authorization: Bearer <token>` (scripts),
`?token=<token>` once in a browser's address bar (answered with a cookie and a
redirect that takes the token out of the address), or that cookie. The cookie
holds an HMAC of the token, not the token, and a new token voids it.
"""

import hashlib
import hmac
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..core.dashboard_view import DAYS, build
from ..errors import StorageUnavailable
from ..store.escalations import Escalations
from ..store.overview import Overview

bp = Blueprint("dashboard", __name__)
COOKIE = "escalator_dashboard"
COOKIE_HOURS = 12
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # ticket links must not carry the address out
    "X-Content-Type-Options": "nosniff",
    # No script, nothing from elsewhere: ticket data on the page can do nothing even if it slipped escaping.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}
OFF = ("The dashboard is off: set ESCALATOR_ADMIN_TOKEN (at least 16 random characters) "
       "and restart the web process to enable it.\n")
DENIED = ("A valid admin token is needed: open /dashboard?token=<ESCALATOR_ADMIN_TOKEN> once "
          f"(a cookie then keeps this browser in for {COOKIE_HOURS} h), "
          "or send the header Authorization: Bearer <ESCALATOR_ADMIN_TOKEN>.\n")


@bp.get("/dashboard")
def dashboard():
    """The page, for holders of the admin token; 403 when no token is configured, 401 without it."""
    services = current_app.extensions["escalator"]
    token = services.settings.admin_token
    if not token:
        return _text(OFF, 403)
    if "token" in request.args:
        if not _same(request.args["token"], token):
            return _denied()
        answer = redirect(url_for(".dashboard"), 303)
        answer.set_cookie(COOKIE, _cookie_value(token), max_age=COOKIE_HOURS * 3600, path=url_for(".dashboard"),
                          secure=request.is_secure, httponly=True, samesite="Strict")
        answer.headers.update(HEADERS)
        return answer
    if not (_bearer_ok(token) or _same(request.cookies.get(COOKIE, ""), _cookie_value(token))):
        return _denied()
    try:
        view = _gather(services)
    except StorageUnavailable as error:
        return _text(f"The database is unavailable: {error}\n", 503, {"Retry-After": "10"})
    settings = services.settings
    tickets = f"https://{settings.subdomain}.zendesk.com/agent/tickets/" if settings.subdomain else None
    page = render_template("dashboard.html", view=view, tickets=tickets, dry_run=settings.dry_run, days=DAYS)
    return page, 200, HEADERS


def _gather(services):
    """Read what the page shows and build its view model."""
    now = services.clock()
    overview = Overview(services.inbox)
    episodes = Escalations(services.inbox).open_ones()
    return build(episodes, overview.moments([e.ticket_id for e in episodes]), overview.decisions(),
                 overview.health(now.timestamp()), overview.opened_since(now - timedelta(days=DAYS)), now,
                 {level.level: level.name for level in services.policy.levels if level.name})


def _bearer_ok(token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and _same(given.strip(), token)


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison (bytes: compare_digest refuses non-ASCII str)."""
    return hmac.compare_digest(given.encode(), expected.encode())


def _cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"escalator dashboard cookie", hashlib.sha256).hexdigest()


def _denied():
    return _text(DENIED, 401, {"WWW-Authenticate": 'Bearer realm="escalator dashboard"'})


def _text(message: str, status: int, headers: dict | None = None) -> tuple:
    return message, status, {"Content-Type": "text/plain; charset=utf-8", **HEADERS, **(headers or {})}
