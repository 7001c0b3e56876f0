"""What the dashboard shows of Zendesk: tickets (subject, people, SLA clock) and names, read in batches and cached.

A view reads, through the integration user's credentials:
- the open escalations' tickets with their SLA clock and count of public agent
  replies (show_many, 100 a call), kept TICKET_SECONDS: a view each minute reads
  them again, so the countdown is at most a minute behind Zendesk's clock;
- the users and organizations they name that are not cached (show_many, 100 a
  call), kept NAME_SECONDS;
- a ticket's newest comments only when its count of public agent replies moved
  since the last read (one call each, at most REPLY_READS a view: the others wait
  for the next view).
So a view each minute costs one request per 100 open escalations, plus one per
new reply and per new name. The caches are bounded (cachetools) and shared by the
views of one web process.
"""

import threading
import time
from datetime import datetime
from typing import Any, Callable, Iterable, TypeVar

from cachetools import LRUCache, TTLCache

from ..core.snapshot import TicketSnapshot, parse_time
from ..core.snapshot_api import comments_from_api, tickets_from_api
from .admin import ZendeskAdmin
from .reader import SHOW_MANY, SLA_SIDELOADS, TicketReader

TICKET_SECONDS = 55.0
NAME_SECONDS = 15 * 60.0
REPLY_READS = 20
CACHE_SIZE = 5000
V = TypeVar("V")  # what a cache keeps by id


class Directory:
    """Caches of tickets, names and last replies for one web process; `read` fills them through one client."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.tickets: TTLCache[int, TicketSnapshot] = TTLCache(CACHE_SIZE, TICKET_SECONDS, timer=clock)
        self.users: TTLCache[int, str] = TTLCache(CACHE_SIZE, NAME_SECONDS, timer=clock)
        self.organizations: TTLCache[int, str] = TTLCache(CACHE_SIZE, NAME_SECONDS, timer=clock)
        self.replies: LRUCache[int, tuple[int | None, datetime | None]] = LRUCache(
            CACHE_SIZE
        )  # ticket id -> (replies counted, newest public reply)
        self.lock = threading.Lock()  # cachetools' caches are not thread-safe

    def tickets_of(self, reader: TicketReader, ids: list[int]) -> dict[int, TicketSnapshot]:
        """These tickets as Zendesk has them (missing ones, deleted say, are absent)."""
        found, missing = self._cached(self.tickets, ids)
        for start in range(0, len(missing), SHOW_MANY):
            read = tickets_from_api(reader.tickets(missing[start : start + SHOW_MANY], SLA_SIDELOADS))
            with self.lock:
                self.tickets.update(read)
            found.update(read)
        return found

    def names(
        self, admin: ZendeskAdmin, user_ids: set[int], organization_ids: set[int]
    ) -> tuple[dict[int, str], dict[int, str]]:
        """Users' and organizations' names by id (unknown ids are left out)."""
        users, missing = self._cached(self.users, user_ids)
        if missing:
            users.update(self._keep(self.users, admin.users(missing)))
        organizations, missing = self._cached(self.organizations, organization_ids)
        if missing:
            organizations.update(self._keep(self.organizations, admin.organizations(missing)))
        return users, organizations

    def last_replies(
        self, reader: TicketReader, tickets: dict[int, TicketSnapshot], ignore: int | None
    ) -> dict[int, datetime | None]:
        """The newest public agent reply of each ticket that is known; a reply count that moved costs one read.

        `ignore` is the integration user: its own public replies (the checklist's questions) ask, they answer nothing.
        """
        known: dict[int, datetime | None] = {}
        reads = 0
        for ticket_id, ticket in sorted(tickets.items()):
            with self.lock:
                kept = self.replies.get(ticket_id)
            if kept and ticket.agent_replies is not None and kept[0] == ticket.agent_replies:
                known[ticket_id] = kept[1]
            elif reads < REPLY_READS:
                reads += 1
                known[ticket_id] = newest_reply(reader.comments(ticket_id), ignore)
                with self.lock:
                    self.replies[ticket_id] = (ticket.agent_replies, known[ticket_id])
        return known

    def _cached(self, cache: TTLCache[int, V], ids: Iterable[int]) -> tuple[dict[int, V], list[int]]:
        with self.lock:
            found = {i: cache[i] for i in ids if i in cache}
        return found, sorted(set(ids) - set(found))

    def _keep(self, cache: TTLCache[int, str], objects: list[dict[str, Any]]) -> dict[int, str]:
        named = {o["id"]: o["name"] for o in objects if isinstance(o.get("id"), int) and o.get("name")}
        with self.lock:
            cache.update(named)
        return named


def newest_reply(comments_json: dict[str, Any], ignore: int | None) -> datetime | None:
    """When an agent last wrote publicly, among the newest page of comments (newest first)."""
    page = comments_from_api(comments_json).page
    return next(
        (
            parse_time(c.created_at)
            for c in page
            if c.public and not c.by_customer and c.created_at and c.author_id != ignore
        ),
        None,
    )
