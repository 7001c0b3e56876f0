"""Rows of one kind as a report reads them: those changed since a moment and those still open, page by page."""

from typing import Iterator

from sqlalchemy import ColumnElement, func, or_, select

from .handle import Database
from .rows import OPEN, InboxRow, row_of
from .schema import inbox


class RowHistory:
    """Reads finished and open rows of a kind (SLA timers for the report) without holding them all at once."""

    def __init__(self, database: Database):
        self.database = database

    def count(self, kind: str, since: float) -> int:
        """How many rows `pages` will yield."""
        with self.database.reading() as conn:
            return conn.execute(select(func.count()).select_from(inbox).where(*self._chosen(kind, since))).scalar_one()

    def pages(self, kind: str, since: float, size: int = 1000) -> Iterator[list[InboxRow]]:
        """Rows of `kind` changed since `since`, or still pending or running, oldest first, `size` at a time."""
        after = 0
        while True:
            with self.database.reading() as conn:
                page = [
                    row_of(r)
                    for r in conn.execute(
                        select(inbox)
                        .where(*self._chosen(kind, since), inbox.c.id > after)
                        .order_by(inbox.c.id)
                        .limit(size)
                    ).mappings()
                ]
            if not page:
                return
            yield page
            after = page[-1].id

    @staticmethod
    def _chosen(kind: str, since: float) -> tuple[ColumnElement[bool], ...]:
        return inbox.c.kind == kind, or_(inbox.c.updated_at >= since, inbox.c.status.in_(OPEN))
