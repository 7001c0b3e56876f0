"""The change feed: once a minute, the tickets changed since last time, with their SLA clocks.

One page of Zendesk's incremental ticket export (up to 1000 tickets, sideloading
`slas` and `metric_sets`) is one request whatever the number of open tickets, so
SLA tracking costs about one request a minute. The export hides the last minute
and allows 10 requests a minute: a run reads at most MAX_PAGES pages and starts
at least a minute back. Where the sideloads are refused, changed tickets are read
again with show_many (100 a call). The export needs an admin; without one the
sweep alone keeps the timers, with its coarser precision.
"""

import logging
from datetime import datetime, timedelta
from typing import Any, Callable

from ..core.kinds import SLA_FEED, periodic_lane
from ..core.snapshot import TicketSnapshot
from ..core.snapshot_api import tickets_from_api
from ..errors import ZendeskRejected
from ..store.cursors import Cursors
from ..zendesk.reader import SHOW_MANY
from .periodic import JobResult
from .ports import JsonObject, Reader
from .timers import TimerPlanner, sideloads

log = logging.getLogger(__name__)
CURSOR = "sla_feed"
MAX_PAGES = 5  # of the 10 export requests a minute Zendesk allows, leave room for others
NOT_ADMIN_RETRY = 3600.0  # seconds before asking again whether the integration user is an admin


class ChangeFeed:
    """The periodic job that keeps timers in step with changed tickets."""

    name, every, ticket_id = SLA_FEED, 60.0, periodic_lane(SLA_FEED)

    def __init__(
        self,
        reader: Reader,
        cursors: Cursors,
        planner: TimerPlanner,
        clock: Callable[[], datetime],
        lookback: timedelta = timedelta(days=7),
    ):
        self.reader, self.cursors, self.planner, self.clock = reader, cursors, planner, clock
        self.lookback = lookback
        self.include: str | None = sideloads(planner.policy)  # None once the export refused the sideloads

    def run(self, payload: dict[str, Any]) -> JobResult:
        """Read the changed tickets (a few pages at most) and plan their timers."""
        cursor = self.cursors.get(CURSOR)
        start = None if cursor else int((self.clock() - self.lookback).timestamp())
        seen = new = pages = 0
        while pages < MAX_PAGES:
            try:
                page = self.reader.changed_tickets(cursor, start, self.include)
            except ZendeskRejected as error:
                refusal = self._refused(error)
                if refusal:
                    return refusal
                continue  # the sideloads were refused: read on without them
            pages += 1
            tickets = self._with_clocks(page)
            new += self.planner.plan(tickets)
            seen += len(tickets)
            cursor = page.get("after_cursor") or cursor
            if cursor:
                self.cursors.set(CURSOR, cursor, self.clock().timestamp())
            if page.get("end_of_stream", True) or not page.get("tickets"):
                break
        return JobResult(f"{seen} changed ticket(s), {new} new timer(s), {pages} export page(s)")

    def _with_clocks(self, page: JsonObject) -> dict[int, TicketSnapshot]:
        raw = [t for t in page.get("tickets") or () if isinstance(t, dict) and "id" in t]
        if all("slas" in t for t in raw):
            return tickets_from_api(page)
        tickets: dict[int, TicketSnapshot] = {}  # no SLA sideload here: read these tickets again, 100 at a time
        ids = [t["id"] for t in raw if t.get("status") not in ("closed", "deleted")]
        for first in range(0, len(ids), SHOW_MANY):
            tickets.update(
                tickets_from_api(self.reader.tickets(ids[first : first + SHOW_MANY], sideloads(self.planner.policy)))
            )
        gone = {t["id"]: TicketSnapshot(id=t["id"], status=t.get("status")) for t in raw if t["id"] not in tickets}
        return {**gone, **tickets}

    def _refused(self, error: ZendeskRejected) -> JobResult | None:
        """Explain a refusal, or None when it was the sideloads (then read without them)."""
        text = str(error.body or error)
        if error.status == 403:
            log.warning(
                "the change feed needs an admin: the integration user is not one, so SLA timers "
                "are kept by the sweep alone (coarser); asking again in an hour"
            )
            return JobResult("not an admin: feed paused", next_in=NOT_ADMIN_RETRY)
        if "TooRecent" in text or "Too recent" in text:
            return JobResult("nothing older than a minute yet")
        if self.include and error.status in (400, 422):
            log.warning(
                "the incremental export refused include=%s (%s): reading changed tickets with show_many instead",
                self.include,
                text[:200],
            )
            self.include = None
            return None
        raise error
