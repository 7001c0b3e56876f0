"""The recurring-incidents check: one search every few minutes, each new run referred to its newest ticket.

The search export lists the account's recent urgent and high tickets (one
request for up to 1000 of them, a few more pages for a very busy account);
every organization's run of them is handed to the notification path as a
referral row keyed by the run (organization and newest ticket), so however
often the check sees it, and from however many workers, the run is handled once.
"""

import logging
from datetime import datetime
from typing import Callable

from ..core.policy import Policy
from ..core.recurring import incidents_from_search, referral, run_key, runs, search_query
from ..store.inbox import Inbox
from .escalate import Reader
from .periodic import JobResult

log = logging.getLogger(__name__)
PAGE = 1000
MAX_PAGES = 5  # 5,000 urgent and high tickets in the window: far beyond what a run check needs


class RecurringCheck:
    """The periodic job that finds runs of recurring incidents."""

    name, ticket_id = "recurring_incidents", -5

    def __init__(self, reader: Reader, inbox: Inbox, policy: Policy, clock: Callable[[], datetime]):
        self.reader, self.inbox, self.policy, self.clock = reader, inbox, policy, clock
        self.every = policy.recurring.check_every.total_seconds()

    def run(self, payload: dict) -> JobResult:
        """Search once (a few pages at most), refer every run found; the inbox keeps each run once."""
        now = self.clock()
        query, cursor, results = search_query(self.policy, now), None, []
        for _ in range(MAX_PAGES):
            page = self.reader.search_export(query, cursor, PAGE)
            results += page.get("results") or []
            meta = page.get("meta") or {}
            cursor = meta.get("after_cursor") if meta.get("has_more") else None
            if not cursor:
                break
        else:
            log.warning("recurring check: more than %d tickets match %r; only the oldest were counted",
                        MAX_PAGES * PAGE, query)
        found = runs(incidents_from_search(results), self.policy, now)
        rows = [{"kind": "notification", "dedupe_key": run_key(run[-1].organization_id, run[-1].id),
                 "ticket_id": run[-1].id, "payload": referral(run).to_dict(), "run_at": now.timestamp()}
                for run in found]
        new = self.inbox.schedule(rows, now.timestamp())
        return JobResult(f"{len(results)} candidate ticket(s), {len(found)} run(s), {new} new")
