"""Comment marks: the newest comment of each ticket examined so far, so the next webhook reads only newer ones."""

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from .handle import Database
from .schema import tickets


class CommentMarks:
    """The marks table on a database handle."""

    def __init__(self, database: Database):
        self.database = database

    def get(self, ticket_id: int) -> int | None:
        """The newest comment of this ticket examined so far, if any."""
        with self.database.reading() as conn:
            return conn.execute(select(tickets.c.comment_mark).where(tickets.c.ticket_id == ticket_id)).scalar()

    def write(self, conn: Connection, ticket_id: int, comment_mark: int, now: float) -> None:
        """Remember the mark, inside a transaction of the handle's (with the rows it finishes)."""
        insert = (postgresql if self.database.is_postgres else sqlite).insert(tickets)
        values = {"comment_mark": comment_mark, "updated_at": now}
        conn.execute(
            insert.values(ticket_id=ticket_id, **values).on_conflict_do_update(
                index_elements=[tickets.c.ticket_id], set_=values
            )
        )
