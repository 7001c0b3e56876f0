"""GET /app/tickets/<id>: one ticket's escalation, as JSON, for the Zendesk sidebar app (zendesk_escalator/sidebar_app).

The app calls it through Zendesk's proxy as a secure request: Zendesk puts the app's secure setting (the token,
ESCALATOR_APP_TOKEN here) in the Authorization header on its own servers, so the token never reaches the agent's
browser, and the request comes from Zendesk, not from the browser (no CORS is needed). It reads the database (the
episode, its pending timers) and, at most once an hour per owner, the owner's name from Zendesk; it writes nothing.

Wrong tokens are not throttled per client address as the dashboard's are: every request comes from Zendesk's
proxy, so a guesser would lock every agent out; 32 random characters are not guessed.
"""

from typing import Any, Callable

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from ..core.reporting.ticket_view import ticket_view
from ..errors import StorageUnavailable
from ..store.escalations import Escalations
from ..store.overview import Overview
from ..zendesk.admin import ZendeskAdmin
from ..zendesk.client import ZendeskClient
from .sessions import same
from .user_names import UserNames
from .web_services import WebServices

bp = Blueprint("sidebar", __name__)
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
LARGEST_ID = 2**63 - 1  # Zendesk's ids are 64-bit; a longer number names no ticket
NAME_TIMEOUT = 3.0  # seconds: an owner's name is not worth a slow sidebar
OFF = (
    "The sidebar app's endpoint is off: set ESCALATOR_APP_TOKEN (at least 32 random characters) where the "
    "service runs, restart the web process, and give the app the same token (escalator app install)."
)


@bp.get("/app/tickets/<int:ticket_id>")
def ticket(ticket_id: int) -> ResponseReturnValue:
    """The ticket's escalation for holders of the app token: 403 when none is configured, 401 without it."""
    services = current_app.extensions["escalator"]
    token = services.settings.app_token
    if not token:
        return _json({"error": OFF}, 403)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not same(given.strip(), token):
        return _json(
            {"error": "Send the app token: Authorization: Bearer <ESCALATOR_APP_TOKEN>."},
            401,
            {"WWW-Authenticate": 'Bearer realm="escalator sidebar app"'},
        )
    if ticket_id > LARGEST_ID:
        return _json({"error": f"no ticket has the id {ticket_id}"}, 404)
    try:
        episode = Escalations(services.database).current(ticket_id)
        moments = Overview(services.database).moments([ticket_id])
    except StorageUnavailable as error:
        return _json({"error": f"The database is unavailable: {error}"}, 503, {"Retry-After": "10"})
    owner = _names(services).name(episode.owner_id) if episode and episode.owner_id else None
    return _json(ticket_view(ticket_id, episode, moments, services.policy, services.clock(), owner), 200)


def _names(services: WebServices) -> UserNames:
    """This process's kept names; without Zendesk credentials none are read (owners are shown by id)."""
    names: UserNames | None = current_app.extensions.get("escalator_user_names")
    if names is None:
        lookup = _lookup(services) if services.settings.has_credentials else (lambda user_id: None)
        names = current_app.extensions.setdefault("escalator_user_names", UserNames(lookup))
    return names


def _lookup(services: WebServices) -> Callable[[int], str | None]:
    client = ZendeskClient(services.settings, on_call=services.metrics.zendesk_call)  # counted in /metrics
    admin = ZendeskAdmin(client.session, min(NAME_TIMEOUT, services.settings.api_timeout))

    def lookup(user_id: int) -> str | None:
        return next((user.get("name") for user in admin.users([user_id]) if user.get("id") == user_id), None)

    return lookup


def _json(
    body: dict[str, Any], status: int, headers: dict[str, str] | None = None
) -> tuple[Response, int, dict[str, str]]:
    return jsonify(body), status, {**HEADERS, **(headers or {})}
