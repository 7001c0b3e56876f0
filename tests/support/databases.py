"""The store as a test opens it: the inbox on its own database handle (what the service opens once)."""

from zendesk_escalator.store.handle import Database
from zendesk_escalator.store.inbox import Inbox


def open_inbox(database_url: str) -> Inbox:
    """The inbox on a new handle to the database at `database_url` (its tables reached through inbox.database)."""
    return Inbox(Database(database_url))


def add_notification(inbox: Inbox, key: str, ticket: int, now: float = 100.0, **kw: float) -> bool:
    """Accept a notification row for `ticket` under dedupe key `key` (kw: run_at); False when the key was seen."""
    return inbox.accept("notification", key, ticket, {"ticket_id": ticket, "key": key}, now, **kw)
