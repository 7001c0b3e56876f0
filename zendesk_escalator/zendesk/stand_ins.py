"""Stand-ins for Zendesk: a writer that sends nothing, a reader of webhook hints, recorded answers."""

import json
import logging
from typing import Any, cast
from urllib.parse import parse_qs, urlparse

import requests
from requests.adapters import BaseAdapter

from ..core.notification import Notification
from .wire import bulk_tags_body, wire_body

log = logging.getLogger(__name__)


class DryRunWriter:
    """Stands in for ZendeskWriter's writes: logs the exact body as JSON, sends nothing."""

    def apply(self, update: dict[str, Any]) -> dict[str, Any]:
        """Return (and log) the body that would have gone on the wire."""
        body = wire_body(update)
        log.warning(
            "DRY RUN: would PUT /api/v2/tickets/%s.json %s",
            update.get("id"),
            json.dumps(body, ensure_ascii=False, sort_keys=True),
        )
        return body

    def tag_closed(self, update: dict[str, Any]) -> dict[str, Any]:
        """Log the closed ticket's tags that would have been set (Update Many Tickets)."""
        body = bulk_tags_body(update)
        log.warning(
            "DRY RUN: would PUT /api/v2/tickets/update_many.json?ids=%s %s",
            update["id"],
            json.dumps(body, ensure_ascii=False, sort_keys=True),
        )
        return body

    def merge(self, target_id: int, source_id: int, target_comment: str, source_comment: str) -> dict[str, Any]:
        """Log the merge that would have been asked for; no job to follow."""
        log.warning("DRY RUN: would POST /api/v2/tickets/%s/merge.json (ids [%s])", target_id, source_id)
        return {"status": "dry run"}

    def create_ticket(self, ticket: dict[str, Any], idempotency_key: str) -> tuple[dict[str, Any], bool]:
        """Log the new ticket that would have been created; create nothing."""
        log.warning(
            "DRY RUN: would POST /api/v2/tickets.json (Idempotency-Key %s) %s",
            idempotency_key,
            json.dumps({"ticket": ticket}, ensure_ascii=False, sort_keys=True),
        )
        return ticket, False


class HintReader:
    """Stands in for TicketReader without credentials: the webhook's hints are all it knows."""

    def ticket(self, ticket_id: int, hint: Notification | None = None) -> dict[str, Any]:
        """A ticket as the API would show it, built from the hints alone."""
        note = hint or Notification(ticket_id=ticket_id, source="trigger")
        return {
            "ticket": {
                "id": ticket_id,
                "status": note.status,
                "priority": note.priority,
                "tags": list(note.tags or ()),
                "updated_at": note.updated_at,
            }
        }

    def comments(self, ticket_id: int) -> dict[str, Any]:
        """No comments can be known without the API."""
        return {"comments": []}


class RecordedZendesk(BaseAdapter):
    """Answers GETs of one ticket and its comments from recorded API answers; keeps PUTs.

    Comments are recorded as the API lists them by default, oldest first; they
    are served in the order and page size the request asks for, as Zendesk would.
    """

    def __init__(self, ticket: dict[str, Any], comments: dict[str, Any] | None = None):
        super().__init__()
        self.answers = {"ticket": ticket, "comments": comments or {"comments": []}}
        self.sent: list[tuple[str, dict[str, Any] | None]] = []

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        """Answer one request locally."""
        assert request.url is not None  # requests prepares the URL before it sends
        url = urlparse(request.url)
        # The session sends its bodies as JSON bytes (never a stream or a file).
        body = json.loads(cast(bytes, request.body)) if request.body else None
        self.sent.append((f"{request.method} {url.path}", body))
        if request.method == "PUT":
            assert body is not None  # a PUT carries its JSON
            return _response(request, 200, {"ticket": body["ticket"], "audit": {"id": 0, "events": []}})
        if url.path.endswith("/comments.json"):
            return _response(request, 200, self._comments(parse_qs(url.query)))
        return _response(request, 200, self.answers["ticket"])

    def close(self) -> None:
        """Nothing to release."""

    def _comments(self, query: dict[str, Any]) -> dict[str, Any]:
        recorded = self.answers["comments"]
        comments = list(recorded.get("comments") or [])
        if query.get("sort", [""])[0].startswith("-") or query.get("sort_order") == ["desc"]:
            comments.reverse()
        size = int((query.get("page[size]") or query.get("per_page") or ["100"])[0])
        return {**recorded, "comments": comments[:size]}


def _response(request: requests.PreparedRequest, status: int, body: dict[str, Any]) -> requests.Response:
    response = requests.Response()
    assert request.url is not None  # requests prepares the URL before it sends
    response.status_code, response.request, response.url = status, request, request.url
    response._content = json.dumps(body).encode()
    response.headers["Content-Type"] = "application/json"
    return response
