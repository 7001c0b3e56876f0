"""The store as a test opens it: the inbox on its own database handle (what the service opens once)."""

from zendesk_escalator.store.handle import Database
from zendesk_escalator.store.inbox import Inbox


def open_inbox(database_url: str) -> Inbox:
    """The inbox on a new handle to the database at `database_url` (its tables reached through inbox.database)."""
    return Inbox(Database(database_url))
