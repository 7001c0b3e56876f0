"""Where the change feed and the sweep stand, and what waits for the account's schedule; kept across
restarts and shared by every worker."""

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from .handle import Database
from .schema import cursors


class Cursors:
    """Named positions (an incremental export cursor, a search export cursor, ...) and named marks."""

    def __init__(self, database: Database):
        self.database = database

    def get(self, name: str) -> str | None:
        """The stored position, or None before the first."""
        with self.database.reading() as conn:
            return conn.execute(select(cursors.c.value).where(cursors.c.name == name)).scalar()

    def set(self, name: str, value: str, now: float) -> None:
        """Remember a position."""
        with self.database.transaction() as conn:
            changed = conn.execute(cursors.update().where(cursors.c.name == name).values(value=value, updated_at=now))
            if changed.rowcount == 0:
                conn.execute(cursors.insert().values(name=name, value=value, updated_at=now))

    def mark(self, names: list[str], now: float) -> None:
        """Set these marks (those set already stay as they are: two workers may mark the same one)."""
        if not names:
            return
        insert = (postgresql if self.database.is_postgres else sqlite).insert(cursors)
        with self.database.transaction() as conn:
            conn.execute(
                insert.on_conflict_do_nothing(index_elements=[cursors.c.name]),
                [{"name": name, "value": "", "updated_at": now} for name in names],
            )

    def marked(self, prefix: str) -> list[str]:
        """The names set under `prefix`, in order."""
        with self.database.reading() as conn:
            return list(
                conn.execute(
                    select(cursors.c.name)
                    .where(cursors.c.name.startswith(prefix, autoescape=True))
                    .order_by(cursors.c.name)
                ).scalars()
            )

    def unmark(self, names: list[str]) -> None:
        """Clear these marks."""
        if names:
            with self.database.transaction() as conn:
                conn.execute(delete(cursors).where(cursors.c.name.in_(names)))
