"""The recurring-incidents check: one search every few minutes, each new run referred to its newest ticket.

The search export lists the account's recent urgent and high tickets (one
request for up to 1000 of them, a few more pages for a very busy account);
every organization's run of them is handed to the notification path as a
referral row keyed by the run (organization and newest ticket), so however
often the check sees it, and from however many workers, the run is handled once.

Only the priorities people set count. The service's own record tells, at no API
cost, which tickets it never escalated (no episode, no escalation tag): their
priority is their people's. For one it did escalate, its audits tell who set the
priority: one read, only for a ticket of an organization that would otherwise
have a run, kept until the ticket changes, and at most MAX_AUDITS a check (a
ticket not told yet counts from a later check). Each organization's last referral
is kept: within `within` of it, the organization's run is the same run.
"""

import json
import logging
from dataclasses import replace
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Callable, Final

from ..core.escalation.recurring import (
    Incident,
    incidents_from_search,
    priority_set_by_people,
    referral,
    run_key,
    search_query,
    to_refer,
)
from ..core.kinds import NOTIFICATION, RECURRING_INCIDENTS, periodic_lane
from ..core.lifecycle.episode import CLOSED, Episode
from ..core.policy import Policy
from ..errors import TicketNotFound
from ..store.cursors import Cursors
from ..store.escalations import Escalations
from ..store.inbox import Inbox
from ..store.schema import DEAD, DONE
from .periodic import JobResult
from .ports import JsonObject, Reader

log = logging.getLogger(__name__)
PAGE = 1000
MAX_PAGES = 5  # 5,000 urgent and high tickets in the window: far beyond what a run check needs
# Audit reads a check may spend: a check every 10 minutes costs at most 2 reads a minute more, and only
# while tickets the service escalated make up an organization's run.
MAX_AUDITS = 20
LAST_RUN = "recurring_run:"  # the cursor keeping an organization's last referral
CAME_TO_NOTHING = frozenset({"no_action", "screened", "ignored", "ticket_gone"})  # a referral that escalated nothing


class _Untold(Enum):
    """A priority the audits cannot tell (more than one page of them, or the ticket gone): its one value, UNTOLD."""

    UNTOLD = "untold"


UNTOLD: Final = _Untold.UNTOLD


class RecurringCheck:
    """The periodic job that finds runs of recurring incidents."""

    name, ticket_id = RECURRING_INCIDENTS, periodic_lane(RECURRING_INCIDENTS)

    def __init__(self, reader: Reader, inbox: Inbox, policy: Policy, clock: Callable[[], datetime]):
        self.reader, self.inbox, self.policy, self.clock = reader, inbox, policy, clock
        self.every = policy.recurring.check_every.total_seconds()
        self.cursors, self.escalations = Cursors(inbox.database), Escalations(inbox.database)
        # ticket id -> (its updated_at, the priority people set)
        self.told: dict[int, tuple[str, str | None | _Untold]] = {}
        self._episodes: dict[int, Episode | None] = {}
        self._referred: dict[int, datetime | None] = {}

    def run(self, payload: dict[str, Any]) -> JobResult:
        """Search once (a few pages at most), refer every new run found; the inbox keeps each run once."""
        now = self.clock()
        self._episodes, self._referred = {}, {}
        searched = self._search(now)
        incidents = incidents_from_search(searched)
        # By the priorities the tickets show first: people's are never higher, so only these need telling.
        shown = to_refer(incidents, self.policy, now, self._referred_at, lambda _: False)
        counted, reads = self._as_people_set_them([i for run in shown for i in run])
        found = to_refer(counted, self.policy, now, self._referred_at, self._in_escalation)
        self.told = {i.id: self.told[i.id] for i in incidents if i.id in self.told}
        rows = [
            {
                "kind": NOTIFICATION,
                "dedupe_key": run_key(run[-1].organization_id, run[-1].id),
                "ticket_id": run[-1].id,
                "payload": referral(run).to_dict(),
                "run_at": now.timestamp(),
            }
            for run in found
        ]
        for row, run in zip(rows, found):  # kept first: a failure in between loses a referral, never doubles one
            self.cursors.set(
                f"{LAST_RUN}{run[-1].organization_id}",
                json.dumps({"at": now.timestamp(), "key": row["dedupe_key"]}),
                now.timestamp(),
            )
        new = self.inbox.schedule(rows, now.timestamp())
        return JobResult(f"{len(searched)} candidate ticket(s), {len(found)} run(s), {new} new, {reads} audit read(s)")

    def _search(self, now: datetime) -> list[JsonObject]:
        query, cursor = search_query(self.policy, now), None
        results: list[JsonObject] = []
        for _ in range(MAX_PAGES):
            page = self.reader.search_export(query, cursor, PAGE)
            results += page.get("results") or []
            meta = page.get("meta") or {}
            cursor = meta.get("after_cursor") if meta.get("has_more") else None
            if not cursor:
                break
        else:
            log.warning(
                "recurring check: more than %d tickets match %r; only the oldest were counted", MAX_PAGES * PAGE, query
            )
        return results

    def _as_people_set_them(self, incidents: list[Incident]) -> tuple[list[Incident], int]:
        """The incidents at the priority people set, and the audit reads spent.

        An organization with a ticket not told yet waits for a later check, or its run
        could go to another ticket than its newest.
        """
        counted, reads, waiting = [], 0, set()
        for incident in incidents:
            if not self._escalated_by_us(incident):
                counted.append(incident)
                continue
            if self.policy.integration_user_id is None:
                continue  # nothing tells the service's changes from people's: not counted
            told = self.told.get(incident.id)
            if told is None or told[0] != incident.updated_at:
                if reads >= MAX_AUDITS:
                    waiting.add(incident.organization_id)
                    continue
                reads += 1
                told = self.told[incident.id] = (incident.updated_at, self._priority_set_by_people(incident.id))
            if told[1] is not UNTOLD:
                counted.append(replace(incident, priority=told[1]))
        if waiting:
            log.info(
                "recurring check: %d audit reads spent, %d organization(s) wait for a later check", reads, len(waiting)
            )
        return [i for i in counted if i.organization_id not in waiting], reads

    def _priority_set_by_people(self, ticket_id: int) -> str | None | _Untold:
        try:
            audits = self.reader.audits(ticket_id)
        except TicketNotFound:
            return UNTOLD
        if (audits.get("meta") or {}).get("has_more"):
            return UNTOLD  # a page holds the oldest 100 audits: a later change is not in it
        assert self.policy.integration_user_id is not None, "asked only when the service's changes can be told"
        return priority_set_by_people(audits, self.policy.integration_user_id)

    def _escalated_by_us(self, incident: Incident) -> bool:
        """The service escalated it (its record, or an earlier release's tag): it may have raised the priority."""
        return self.policy.escalated_tag in incident.tags or self._episode(incident.id) is not None

    def _in_escalation(self, ticket_id: int) -> bool:
        episode = self._episode(ticket_id)
        return episode is not None and episode.state != CLOSED

    def _episode(self, ticket_id: int) -> Episode | None:
        if ticket_id not in self._episodes:
            self._episodes[ticket_id] = self.escalations.current(ticket_id)
        return self._episodes[ticket_id]

    def _referred_at(self, organization_id: int) -> datetime | None:
        """When the organization's last run was referred, unless that referral came to nothing."""
        if organization_id not in self._referred:
            self._referred[organization_id] = self._last_referral(organization_id)
        return self._referred[organization_id]

    def _last_referral(self, organization_id: int) -> datetime | None:
        kept = self.cursors.get(f"{LAST_RUN}{organization_id}")
        if not kept:
            return None
        last = json.loads(kept)
        row = next(iter(self.inbox.rows(dedupe_key=last["key"], limit=1)), None)
        if (
            row is None
            or row.status == DEAD
            or (row.status == DONE and (row.result or {}).get("status") in CAME_TO_NOTHING)
        ):
            return None
        return datetime.fromtimestamp(last["at"], tz=timezone.utc)
