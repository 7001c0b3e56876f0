"""The reconciliation sweep: every unsolved ticket read again, its timers repaired; slowly.

At start and then every `every` seconds, the sweep walks the search export of
unsolved tickets (1000 ids a page) and reads them with show_many (100 a call),
planning their timers as the feed does: timers missing after a first start, an
outage of the feed or a bug are made, stale ones superseded. It is paced to
`rate` requests a minute, one page per run, so that even 100,000 open tickets
cost the account only a few requests a minute while it runs.
"""

import logging
from datetime import datetime
from typing import Callable

from ..core.snapshot import tickets_from_api
from ..zendesk.reader import SHOW_MANY
from .escalate import Reader
from .periodic import JobResult
from .timers import TimerPlanner, sideloads

log = logging.getLogger(__name__)
QUERY = "status<solved"  # new, open, pending and on-hold tickets
PAGE = 1000


class Sweep:
    """The periodic job that repairs every unsolved ticket's timers."""

    name, ticket_id = "sla_sweep", -2

    def __init__(self, reader: Reader, planner: TimerPlanner, clock: Callable[[], datetime],
                 every: float, rate: float):
        self.reader, self.planner, self.clock = reader, planner, clock
        self.every, self.rate = every, rate

    def run(self, payload: dict) -> JobResult:
        """Sweep one page; chain the next one, paced, or end the sweep."""
        step = payload.get("step", 0)
        page = self.reader.search_export(QUERY, payload.get("cursor"), PAGE)
        ids = [r["id"] for r in page.get("results") or () if isinstance(r, dict) and "id" in r]
        new = 0
        for first in range(0, len(ids), SHOW_MANY):
            chunk = self.reader.tickets(ids[first:first + SHOW_MANY], sideloads(self.planner.policy))
            new += self.planner.plan(tickets_from_api(chunk))
        calls = 1 + -(-len(ids) // SHOW_MANY)
        detail = f"sweep page {step + 1}: {len(ids)} unsolved ticket(s), {new} timer(s) made or repaired"
        meta = page.get("meta") or {}
        if meta.get("has_more") and meta.get("after_cursor"):
            # Wait as long as these calls are worth at the sweep's rate (its cursor lives an hour).
            return JobResult(detail, next_in=60.0 * calls / self.rate,
                             next_payload={"cursor": meta["after_cursor"], "step": step + 1})
        log.info("sweep done: %d page(s)", step + 1)
        return JobResult(detail + "; sweep done")
