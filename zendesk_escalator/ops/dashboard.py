"""GET /dashboard: the open escalations with their people, SLA and communication plan, dead letters, recent
decisions, inbox health and a chart; a signed-in person may retry a dead letter.

Who may look: dashboard_auth.py (the admin token) and dashboard_oauth.py (Zendesk's sign-in).
"""

import logging
import re

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError

from ..core.reporting.dashboard_chart import DAYS
from ..core.reporting.dashboard_view import Filters
from ..errors import StorageUnavailable
from ..ids import zendesk_id
from ..settings import Settings
from ..store.schema import DEAD
from ..zendesk.directory import Directory
from .dashboard_auth import COOKIE, HEADERS, PATH, signer_on, text, viewer_or_answer
from .dashboard_data import gather
from .sessions import same

log = logging.getLogger(__name__)
bp = Blueprint("dashboard", __name__)
STATES = ("requested", "active", "monitoring")
ROW = re.compile(r"[0-9]{1,19}")  # a row id in the address after a Retry


@bp.get("/dashboard")
def dashboard() -> ResponseReturnValue:
    """The page, for a signed-in person or a script with the admin token."""
    viewer, refused = viewer_or_answer()
    if refused:
        return refused
    assert viewer is not None  # no answer instead: someone is looking
    services = current_app.extensions["escalator"]
    directory = current_app.extensions.setdefault(  # one per web process; the service's clock for its ages
        "escalator_directory", Directory(lambda: services.clock().timestamp())
    )
    try:
        view = gather(services, directory, filters())
    except StorageUnavailable as error:
        return text(f"The database is unavailable: {error}\n", 503, {"Retry-After": "10"})
    csrf = signer_on().csrf(viewer) if viewer.session_id else None  # a bearer script gets no forms
    page = render_template(
        "dashboard.html",
        view=view,
        tickets=agent_tickets(services.settings),
        dry_run=services.settings.dry_run,
        days=DAYS,
        who=viewer.label,
        csrf=csrf,
        notice=notice(),
    )
    return page, 200, HEADERS


@bp.post("/dashboard/dead-letters/<int:row_id>/retry")
def retry(row_id: int) -> ResponseReturnValue:
    """Queue one dead letter again (a signed-in person, with the page's CSRF token); logged with who did it."""
    viewer, refused = viewer_or_answer()
    if refused:
        return refused
    assert viewer is not None  # no answer instead: someone is looking
    if not viewer.session_id or not same(request.form.get("csrf", ""), signer_on().csrf(viewer)):
        return text("This form expired or came from elsewhere: open the dashboard again.\n", 403)
    services = current_app.extensions["escalator"]
    now = services.clock().timestamp()
    found = services.inbox.rows(row_id=row_id)
    if not found or found[0].status != DEAD:
        return redirect(url_for(".dashboard", not_dead=row_id), 303)
    services.inbox.revive([row_id], now, now + services.settings.retry_budget_hours * 3600)
    log.warning(
        "dead letter %d (ticket %d, %s) queued again from the dashboard by %s",
        row_id,
        found[0].ticket_id,
        found[0].kind,
        viewer.who,
        extra={"row_id": row_id, "ticket_id": found[0].ticket_id, "by_user_id": viewer.user_id, "by": viewer.kind},
    )
    return redirect(url_for(".dashboard", retried=row_id), 303)


@bp.post("/dashboard/sign-out")
def sign_out() -> ResponseReturnValue:
    """End this browser's session (its cookie; the value stays valid until its end, see sessions.py)."""
    viewer, refused = viewer_or_answer()
    if refused:
        return refused
    assert viewer is not None  # no answer instead: someone is looking
    if viewer.session_id and not same(request.form.get("csrf", ""), signer_on().csrf(viewer)):
        return text("This form expired or came from elsewhere: open the dashboard again.\n", 403)
    answer = redirect(url_for(".dashboard"), 303)
    answer.delete_cookie(COOKIE, path=PATH)
    return answer


def filters() -> Filters:
    """The filters asked for in the address; a value that is not one is ignored."""

    def number(name: str) -> int | None:
        try:
            return zendesk_id(request.args.get(name, ""))
        except ValidationError:  # not a number: no filter
            return None

    state = request.args.get("state")
    return Filters(state if state in STATES else None, number("level"), number("owner"), number("organization"))


def notice() -> str:
    """What the last retry did (from the address: numbers only, so no link can put words on the page)."""
    retried, not_dead = (request.args.get(name, "") for name in ("retried", "not_dead"))
    if ROW.fullmatch(retried):
        return f"Dead letter {retried} is queued again, due now."
    return f"Row {not_dead} is not a dead letter (any more)." if ROW.fullmatch(not_dead) else ""


def agent_tickets(settings: Settings) -> str | None:
    """Where a ticket opens in Zendesk's agent interface: the account's own host; with ZENDESK_API_URL alone, its."""
    if settings.subdomain:
        return f"https://{settings.subdomain}.zendesk.com/agent/tickets/"
    return f"{settings.api_url.rstrip('/')}/agent/tickets/" if settings.api_url else None
