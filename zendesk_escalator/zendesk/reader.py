"""Read tickets and their comments from the Zendesk API, as the API returns them."""

from ..core.notification import Notification
from ..errors import ZendeskUnavailable
from .transport import ZendeskSession, error_for_response, translated_errors

# One page of the newest comments is one request; a webhook rarely follows more than a few.
COMMENTS_PAGE = 100


class TicketReader:
    """Two reads, each one GET: the ticket with its users, and its newest comments with theirs."""

    def __init__(self, session: ZendeskSession, timeout: float):
        self.session, self.timeout = session, timeout

    def ticket(self, ticket_id: int, hint: Notification | None = None) -> dict:
        """GET /api/v2/tickets/{id}.json?include=users (users resolve the CC ids)."""
        return self._get_json(f"/api/v2/tickets/{ticket_id}.json", {"include": "users"})

    def comments(self, ticket_id: int) -> dict:
        """GET the newest comments first, with their authors and CC'd users."""
        return self._get_json(f"/api/v2/tickets/{ticket_id}/comments.json",
                              {"page[size]": COMMENTS_PAGE, "sort": "-created_at", "include": "users"})

    def _get_json(self, path: str, params: dict) -> dict:
        with translated_errors(self.session):
            response = self.session.get(self.session.canonical_base + path, params=params,
                                        timeout=self.timeout)
        if not response.ok:
            raise error_for_response(response)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ZendeskUnavailable(f"GET {path}: answer is not a JSON object", response.status_code)
        return body
