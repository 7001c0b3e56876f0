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
        """Remember a position (the last one set wins)."""
        # One statement: an UPDATE, then an INSERT when it found nothing, made two processes setting a new
        # name at once (each worker process records the credentials' state on its first success) fail on
        # the duplicate key; the upsert waits for the other's insert and updates it.
        upsert = self._insert().values(name=name, value=value, updated_at=now)
        latest = {"value": value, "updated_at": now}
        with self.database.transaction() as conn:
            conn.execute(upsert.on_conflict_do_update(index_elements=[cursors.c.name], set_=latest))

    def mark(self, names: list[str], now: float) -> None:
        """Set these marks (those set already stay as they are: two workers may mark the same one)."""
        if not names:
            return
        with self.database.transaction() as conn:
            conn.execute(
                self._insert().on_conflict_do_nothing(index_elements=[cursors.c.name]),
                [{"name": name, "value": "", "updated_at": now} for name in names],
            )

    def _insert(self) -> "postgresql.Insert | sqlite.Insert":
        """An INSERT into the cursors in the database's dialect (it has ON CONFLICT)."""
        return postgresql.insert(cursors) if self.database.is_postgres else sqlite.insert(cursors)

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
