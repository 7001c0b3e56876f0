"""What the service does to tickets: the one PUT, a new ticket (the daily report) and a closed ticket's tags
(Update Many Tickets) sent as written; a merge through Zenpy.

The update is sent as planned, nulls included (`"assignee_id": null` clears the
assignee), and without the ticket's id, which the address names: Update Ticket
declares no `id` (Zenpy's update put it in the body, where Zendesk ignores it).
"""

import logging
from typing import Any

from .zendesk.client import ZendeskClient
from .zendesk.transport import error_for_response, translated_errors
from .zendesk.wire import bulk_tags_body, wire_body

log = logging.getLogger(__name__)
REPLAYED = "hit"  # x-idempotency-lookup: Zendesk answered from an earlier create with the same key


class ZendeskWriter(ZendeskClient):
    """The Zendesk client with the write verbs: one ticket PUT, a new ticket, a closed ticket's tags, a merge."""

    def apply(self, update: dict[str, Any]) -> dict[str, Any]:
        """Send the update as one PUT; return the body that went on the wire."""
        body = wire_body(update)
        with translated_errors(self.session):
            response = self.session.put(
                f"{self.session.canonical_base}/api/v2/tickets/{update['id']}.json", json=body, timeout=self.timeout
            )
        if not response.ok:
            raise error_for_response(response)
        return body

    def create_ticket(self, ticket: dict[str, Any], idempotency_key: str) -> tuple[dict[str, Any], bool]:
        """POST one new ticket (Zenpy cannot send an Idempotency-Key); return it, and whether it was a replay.

        Zendesk keeps the key for two hours: the same key with the same body answers
        with the ticket created first; with another body, 400 IdempotentRequestError.
        """
        with translated_errors(self.session):
            response = self.session.post(
                self.session.canonical_base + "/api/v2/tickets.json",
                json={"ticket": ticket},
                headers={"Idempotency-Key": idempotency_key},
                timeout=self.timeout,
            )
        if not response.ok:
            raise error_for_response(response)
        return response.json()["ticket"], response.headers.get("x-idempotency-lookup") == REPLAYED

    def tag_closed(self, update: dict[str, Any]) -> dict[str, Any]:
        """Add and remove a closed ticket's tags; return the body sent.

        A closed ticket takes no single-ticket update; Zendesk's tags documentation
        names Update Many Tickets (`?ids=`, with additional_tags and remove_tags) for
        it. The answer is a job, not followed: the tags only mirror what the service
        already recorded.
        """
        body = bulk_tags_body(update)
        with translated_errors(self.session):
            response = self.session.put(
                self.session.canonical_base + "/api/v2/tickets/update_many.json",
                params={"ids": str(update["id"])},
                json=body,
                timeout=self.timeout,
            )
        if not response.ok:
            raise error_for_response(response)
        job = response.json().get("job_status") or {}
        log.info("ticket %s is closed: its tags are set by Update Many Tickets (job %s)", update["id"], job.get("id"))
        return body

    def merge(self, target_id: int, source_id: int, target_comment: str, source_comment: str) -> dict[str, Any]:
        """Merge one ticket into another (private comments on both); return the job status Zendesk started."""
        with translated_errors(self.session):
            job = self.zenpy.tickets.merge(
                target_id, [source_id], target_comment=target_comment, source_comment=source_comment
            )
        return job.to_dict() if hasattr(job, "to_dict") else dict(job or {})
