"""Read tickets and their comments from the Zendesk API, as the API returns them."""

from typing import Any

from ..core.notification import Notification
from ..errors import ZendeskUnavailable
from .transport import ZendeskSession, error_for_response, translated_errors

# One page of the newest comments is one request; a webhook rarely follows more than a few.
COMMENTS_PAGE = 100
SHOW_MANY = 100  # the most tickets show_many returns
SLA_SIDELOADS = "slas,metric_sets"  # Zendesk's SLA clock, and the public agent replies
TARGET_SIDELOADS = SLA_SIDELOADS + ",metric_events"  # and the targets applied (percentage stages)


class TicketReader:
    """Every read is one GET: a ticket, its comments, many tickets, a page of an export."""

    def __init__(self, session: ZendeskSession, timeout: float):
        self.session, self.timeout = session, timeout

    def ticket(self, ticket_id: int, hint: Notification | None = None, include: str = "users") -> dict[str, Any]:
        """GET /api/v2/tickets/{id}.json?include=users (users resolve the CC ids)."""
        return self._get_json(f"/api/v2/tickets/{ticket_id}.json", {"include": include})

    def tickets(self, ids: list[int], include: str = SLA_SIDELOADS) -> dict[str, Any]:
        """GET tickets/show_many.json for up to 100 ids (missing tickets are simply absent)."""
        if len(ids) > SHOW_MANY:
            raise ValueError(f"show_many takes at most {SHOW_MANY} ids, not {len(ids)}")
        return self._get_json("/api/v2/tickets/show_many.json", {"ids": ",".join(map(str, ids)), "include": include})

    def changed_tickets(
        self, cursor: str | None, start_time: int | None, include: str | None = SLA_SIDELOADS
    ) -> dict[str, Any]:
        """One page (up to 1000) of the incremental ticket export: tickets changed after the cursor."""
        params: dict[str, Any] = {"cursor": cursor} if cursor else {"start_time": start_time}
        if include:
            params["include"] = include
        return self._get_json("/api/v2/incremental/tickets/cursor.json", params)

    def audits(self, ticket_id: int) -> dict[str, Any]:
        """GET a ticket's audits (100, the most a page holds) with their authors (for a review)."""
        return self._get_json(f"/api/v2/tickets/{ticket_id}/audits.json", {"include": "users", "page[size]": 100})

    def schedules(self) -> dict[str, Any]:
        """GET /api/v2/business_hours/schedules.json (the first is the account's default)."""
        return self._get_json("/api/v2/business_hours/schedules.json", {})

    def holidays(self, schedule_id: int) -> dict[str, Any]:
        """GET a schedule's holidays."""
        return self._get_json(f"/api/v2/business_hours/schedules/{schedule_id}/holidays.json", {})

    def search_export(self, query: str, cursor: str | None = None, size: int = 1000) -> dict[str, Any]:
        """One page of the search export (tickets matching `query`, ids and fields, no sideloads)."""
        params = {"query": query, "filter[type]": "ticket", "page[size]": size}
        if cursor:
            params["page[after]"] = cursor
        return self._get_json("/api/v2/search/export.json", params)

    def ticket_events(self, start_time: int) -> dict[str, Any]:
        """One page of the incremental ticket event export (time-based), each update with its comments."""
        return self._get_json(
            "/api/v2/incremental/ticket_events.json", {"start_time": start_time, "include": "comment_events"}
        )

    def metric_events(self, start_time: int) -> dict[str, Any]:
        """One page of the incremental ticket metric event export (time-based, oldest first)."""
        return self._get_json("/api/v2/incremental/ticket_metric_events.json", {"start_time": start_time})

    def job_status(self, job_id: str) -> dict[str, Any]:
        """GET a background job's status (a merge): queued, working, completed or failed."""
        return self._get_json(f"/api/v2/job_statuses/{job_id}.json", {})

    def current_user(self) -> dict[str, Any]:
        """GET /api/v2/users/me.json: who these credentials are (401 when Zendesk refuses them)."""
        return self._get_json("/api/v2/users/me.json", {})

    def comments(self, ticket_id: int) -> dict[str, Any]:
        """GET the newest comments first, with their authors and CC'd users."""
        return self._get_json(
            f"/api/v2/tickets/{ticket_id}/comments.json",
            {"page[size]": COMMENTS_PAGE, "sort": "-created_at", "include": "users"},
        )

    def _get_json(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        with translated_errors(self.session):
            response = self.session.get(self.session.canonical_base + path, params=params, timeout=self.timeout)
        if not response.ok:
            raise error_for_response(response)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ZendeskUnavailable(f"GET {path}: answer is not a JSON object", response.status_code)
        return body
