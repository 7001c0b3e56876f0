"""Stand-ins for dry runs: a writer that sends nothing, a reader that uses webhook hints."""

import logging

from ..core.notification import Notification
from ..core.snapshot import TicketSnapshot

log = logging.getLogger(__name__)


class DryRunWriter:
    """Stands in for ZendeskClient.apply: returns the planned update, sends nothing."""

    def apply(self, update: dict) -> dict:
        """Log and return the update that would have been sent."""
        log.warning("DRY RUN: would update ticket %s: %s", update.get("id"), update)
        return update


class HintReader:
    """Stands in for TicketReader without credentials: uses the webhook's hints."""

    def read(self, ticket_id: int, hint: Notification | None = None) -> TicketSnapshot:
        """Build a best-effort snapshot from the notification alone."""
        note = hint or Notification(ticket_id=ticket_id, source="trigger")
        return TicketSnapshot(id=note.ticket_id, status=note.status, priority=note.priority,
                              tags=note.tags or (), updated_at=note.updated_at)
