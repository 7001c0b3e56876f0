"""Where the change feed and the sweep stand, kept across restarts and shared by every worker."""

from sqlalchemy import select

from .inbox import Inbox
from .schema import cursors


class Cursors:
    """Named positions: an incremental export cursor, a search export cursor, ..."""

    def __init__(self, inbox: Inbox):
        self.inbox = inbox

    def get(self, name: str) -> str | None:
        """The stored position, or None before the first."""
        with self.inbox.reading() as conn:
            return conn.execute(select(cursors.c.value).where(cursors.c.name == name)).scalar()

    def set(self, name: str, value: str, now: float) -> None:
        """Remember a position."""
        with self.inbox.transaction() as conn:
            changed = conn.execute(cursors.update().where(cursors.c.name == name).values(value=value, updated_at=now))
            if changed.rowcount == 0:
                conn.execute(cursors.insert().values(name=name, value=value, updated_at=now))
