"""The reconciliation sweep: every unsolved ticket read again, its timers repaired; slowly.

At start and then every `every` seconds, the sweep walks the search export of
unsolved tickets (1000 ids a page) and reads them with show_many (100 a call),
planning their timers as the feed does: timers missing after a first start, an
outage of the feed or a bug are made, stale ones superseded. It is paced to
`rate` requests a minute, one request per run (a page's ids wait in the chained
run's payload), so that even 100,000 open tickets cost the account at most `rate`
requests in any minute while it runs, never a page's 11 at once.
"""

import logging
from datetime import datetime
from typing import Any, Callable

from ..core.kinds import SLA_SWEEP, periodic_lane
from ..core.snapshot_api import tickets_from_api
from ..zendesk.reader import SHOW_MANY
from .periodic import JobResult
from .ports import Reader
from .timers import TimerPlanner, sideloads

log = logging.getLogger(__name__)
QUERY = "status<solved"  # new, open, pending and on-hold tickets
PAGE = 1000


class Sweep:
    """The periodic job that repairs every unsolved ticket's timers."""

    name, ticket_id = SLA_SWEEP, periodic_lane(SLA_SWEEP)

    def __init__(self, reader: Reader, planner: TimerPlanner, clock: Callable[[], datetime], every: float, rate: float):
        self.reader, self.planner, self.clock = reader, planner, clock
        self.every, self.rate = every, rate

    def run(self, payload: dict[str, Any]) -> JobResult:
        """One request: a page of ids, or the next 100 of them read; chain the next run, paced, or end."""
        step, ids, cursor = payload.get("step", 0), payload.get("ids"), payload.get("cursor")
        if ids is None:
            page = self.reader.search_export(QUERY, cursor, PAGE)
            ids = [r["id"] for r in page.get("results") or () if isinstance(r, dict) and "id" in r]
            meta = page.get("meta") or {}
            cursor = meta["after_cursor"] if meta.get("has_more") and meta.get("after_cursor") else None
            detail = f"sweep step {step + 1}: {len(ids)} unsolved ticket(s) listed"
        else:
            chunk, ids = ids[:SHOW_MANY], ids[SHOW_MANY:]
            new = self.planner.plan(tickets_from_api(self.reader.tickets(chunk, sideloads(self.planner.policy))))
            detail = f"sweep step {step + 1}: {len(chunk)} ticket(s) read, {new} timer(s) made or repaired"
        if ids or cursor:  # the search export's cursor lives an hour: at the default rate a page takes 2 minutes
            return JobResult(
                detail,
                next_in=60.0 / self.rate,
                next_payload={
                    "step": step + 1,
                    **({"ids": ids} if ids else {}),
                    **({"cursor": cursor} if cursor else {}),
                },
            )
        log.info("sweep done: %d step(s)", step + 1)
        return JobResult(detail + "; sweep done")
