"""Read tickets from the Zendesk API into core snapshots."""

from ..core.notification import Notification
from ..core.snapshot import TicketSnapshot, from_api
from ..errors import ZendeskUnavailable
from .transport import ZendeskSession, error_for_response, translated_errors


class TicketReader:
    """Reads a ticket (with its users) and its latest comment: two GETs."""

    def __init__(self, session: ZendeskSession, timeout: float):
        self.session, self.timeout = session, timeout

    def read(self, ticket_id: int, hint: Notification | None = None) -> TicketSnapshot:
        """Read the ticket (with its users) and its latest comment."""
        ticket = self._get_json(f"/api/v2/tickets/{ticket_id}.json", {"include": "users"})
        comments = self._get_json(f"/api/v2/tickets/{ticket_id}/comments.json",
                                  {"sort_order": "desc", "per_page": 1})
        return from_api(ticket, comments)

    def _get_json(self, path: str, params: dict) -> dict:
        with translated_errors(self.session):
            response = self.session.get(self.session.canonical_base + path, params=params,
                                        timeout=self.timeout)
        if not response.ok:
            raise error_for_response(response)
        try:
            return response.json()
        except ValueError:
            raise ZendeskUnavailable(f"GET {path}: answer is not JSON", response.status_code) from None
