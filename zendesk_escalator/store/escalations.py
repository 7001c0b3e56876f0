"""Escalation episodes: one row per escalation of a ticket, its timeline and review as JSON."""

import json
from dataclasses import replace
from datetime import datetime
from typing import Any, Callable, Mapping, cast

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping

from ..core.lifecycle.episode import CLOSED, Episode
from .handle import Database
from .planning import schedule_in
from .schema import escalations

# The rows that follow from an episode's steps from `first` on (episode, first, now): written with the episode.
FollowingRows = Callable[[Episode, int, float], list[dict[str, Any]]]


class Escalations:
    """Episodes of the tickets: the open one, the closed ones' consumed evidence, summaries."""

    def __init__(self, database: Database):
        self.database = database

    def current(self, ticket_id: int) -> Episode | None:
        """The ticket's open episode, else its latest closed one (its consumed evidence counts), else None."""
        with self.database.reading() as conn:
            row = (
                conn.execute(
                    select(escalations)
                    .where(escalations.c.ticket_id == ticket_id)
                    .order_by(escalations.c.id.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
        return _episode(row) if row else None

    def save(self, episode: Episode, now: datetime, rows: FollowingRows | None = None) -> Episode:
        """Store the episode (new or changed); return it with its id.

        `rows` gives the inbox rows that follow from its steps not stored before (the
        chat notices): written in the same transaction, so a step saved is never left
        untold, nor told twice.
        """
        values = {
            "ticket_id": episode.ticket_id,
            "state": episode.state,
            "opened_at": episode.opened_at.timestamp(),
            "closed_at": episode.closed_at.timestamp() if episode.closed_at else None,
            "level": episode.level,
            "reason": episode.reason,
            "owner_id": episode.owner_id,
            "record": json.dumps(episode.to_record()),
            "updated_at": now.timestamp(),
        }
        with self.database.transaction() as conn:
            if episode.id is None:
                stored = 0
                inserted = conn.execute(escalations.insert().values(**values))
                new_id = inserted.inserted_primary_key[0]  # type: ignore[index]  # set by every single-row INSERT
                episode = replace(episode, id=new_id)
            else:
                record = conn.execute(select(escalations.c.record).where(escalations.c.id == episode.id)).scalar()
                stored = len(json.loads(record)["history"]) if record else 0
                conn.execute(escalations.update().where(escalations.c.id == episode.id).values(**values))
            if rows is not None and len(episode.history) > stored:
                schedule_in(self.database, conn, rows(episode, stored, now.timestamp()), now.timestamp())
        return episode

    def get(self, episode_id: int) -> Episode | None:
        """One episode by id."""
        with self.database.reading() as conn:
            row = conn.execute(select(escalations).where(escalations.c.id == episode_id)).mappings().first()
        return _episode(row) if row else None

    def open_ones(self, limit: int | None = 500) -> list[Episode]:
        """Open episodes, the longest-open first (dashboard; the report takes them all: limit None)."""
        with self.database.reading() as conn:
            rows = conn.execute(
                select(escalations).where(escalations.c.state != CLOSED).order_by(escalations.c.opened_at).limit(limit)
            ).mappings()
            return [_episode(row) for row in rows]

    def changed_since(self, since: datetime, limit: int | None = 5000) -> list[Episode]:
        """Episodes opened, moved or closed since a moment (report; limit None: all of them)."""
        with self.database.reading() as conn:
            rows = conn.execute(
                select(escalations)
                .where(escalations.c.updated_at >= since.timestamp())
                .order_by(escalations.c.opened_at)
                .limit(limit)
            ).mappings()
            return [_episode(row) for row in rows]

    def by_state(self) -> dict[str, int]:
        """How many episodes are in each state (metrics)."""
        with self.database.reading() as conn:
            found = conn.execute(select(escalations.c.state, func.count()).group_by(escalations.c.state))
            return dict(found.all())


def _episode(row: RowMapping) -> Episode:
    columns = cast(Mapping[str, Any], row)  # keyed by column name: RowMapping's keys are typed loosely
    return Episode.from_record(columns, json.loads(row["record"]))
