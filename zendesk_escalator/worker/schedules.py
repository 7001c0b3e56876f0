"""The account's default Zendesk schedule: read hourly by one worker, kept for all of them.

Business-hours targets (percentage stages of a target Zendesk counts in business
hours, and the service's own targets with `schedule = "zendesk"`) count in it.
Two requests an hour: the schedules, and the default one's holidays. A ticket
read while the schedule is not known yet (the first start, a failed read) is
remembered, and planned by the run that keeps the schedule: one show_many per
100 such tickets, once, at most READS_A_MINUTE a minute.
"""

import json
import logging
import time
from datetime import datetime
from typing import Any, Callable

from ..core.kinds import ZENDESK_SCHEDULE, periodic_lane
from ..core.sla.hours import Schedule
from ..core.sla.schedule_api import schedule_from_zendesk
from ..core.snapshot_api import tickets_from_api
from ..errors import ZendeskRejected
from ..store.cursors import Cursors
from ..zendesk.reader import SHOW_MANY
from .periodic import JobResult
from .ports import JsonObject, Reader
from .timers import TimerPlanner, sideloads

log = logging.getLogger(__name__)
KEY = "zendesk_schedule"
AWAITING = "awaiting_schedule:"  # a mark per ticket whose timers wait for the schedule
CACHE_SECONDS = 300.0
# Reads of the tickets that waited, a minute: many wait only after a long outage of the schedule read, and
# reading them all at once would spend a large part of the account's limit in one burst.
READS_A_MINUTE = 5


class AccountSchedule:
    """The kept schedule, parsed once and read again every few minutes, and the tickets waiting for it."""

    def __init__(self, cursors: Cursors, monotonic: Callable[[], float] = time.monotonic):
        self.cursors, self.monotonic = cursors, monotonic
        self._schedule: Schedule | None = None
        self._read_at = 0.0  # when the schedule was kept: read only once one is

    def __call__(self) -> Schedule | None:
        # Only a known schedule is kept for a while: one not known yet is looked up again at every use
        # (one row by its key), so that no ticket is planned without it once another worker has read it.
        if self._schedule is None or self.monotonic() - self._read_at > CACHE_SECONDS:
            kept = self.cursors.get(KEY)
            self._schedule = schedule_from_zendesk(**json.loads(kept)) if kept else None
            self._read_at = self.monotonic()
        return self._schedule

    def keep(self, schedule: JsonObject, holidays: JsonObject, now: float) -> None:
        """Keep the account's schedule as the Schedules API answered it, for every worker."""
        parsed = schedule_from_zendesk(schedule, holidays)  # refuse to keep what cannot be used
        self.cursors.set(KEY, json.dumps({"schedule": schedule, "holidays": holidays}), now)
        self._schedule, self._read_at = parsed, self.monotonic()

    def wait(self, ticket_ids: list[int], now: float) -> None:
        """Remember tickets whose timers count in the schedule, to plan once it is known."""
        self.cursors.mark([f"{AWAITING}{ticket_id}" for ticket_id in ticket_ids], now)

    def waiting(self) -> list[int]:
        """The tickets waiting for the schedule."""
        return [int(name[len(AWAITING) :]) for name in self.cursors.marked(AWAITING)]

    def planned(self, ticket_ids: list[int]) -> None:
        """These tickets wait no more."""
        self.cursors.unmark([f"{AWAITING}{ticket_id}" for ticket_id in ticket_ids])


class ScheduleJob:
    """The periodic job that reads the account's default schedule and its holidays, and plans what waited."""

    name, every, ticket_id = ZENDESK_SCHEDULE, 3600.0, periodic_lane(ZENDESK_SCHEDULE)

    def __init__(self, reader: Reader, account: AccountSchedule, planner: TimerPlanner, clock: Callable[[], datetime]):
        self.reader, self.account, self.planner, self.clock = reader, account, planner, clock

    def run(self, payload: dict[str, Any]) -> JobResult:
        """Read and keep the default schedule (with its holidays); plan the tickets that waited for it."""
        if payload.get("step"):  # the schedule was kept a minute ago: plan the next tickets that waited
            return self._plan_waiting("", payload["step"])
        try:
            schedules = self.reader.schedules().get("schedules") or []
        except ZendeskRejected as error:
            return self._unknown(f"schedules not readable ({error.status})")
        if not schedules:
            return self._unknown("the account has no schedule")
        default = schedules[0]
        self.account.keep(default, self.reader.holidays(default["id"]), self.clock().timestamp())
        return self._plan_waiting(f"schedule {default.get('name')!r} ({default.get('time_zone')}) kept", 0)

    def _unknown(self, why: str) -> JobResult:
        """No schedule to count in: what waited for one waits no more (the next sweep reads it again)."""
        self.account.planned(self.account.waiting())
        return JobResult(f"{why}: business hours unknown")

    def _plan_waiting(self, kept: str, step: int) -> JobResult:
        """Read and plan the tickets that waited, 100 a read and READS_A_MINUTE reads a run, the rest chained."""
        waiting, new = self.account.waiting(), 0
        now_planned = waiting[: READS_A_MINUTE * SHOW_MANY]
        for first in range(0, len(now_planned), SHOW_MANY):
            chunk = now_planned[first : first + SHOW_MANY]
            new += self.planner.plan(tickets_from_api(self.reader.tickets(chunk, sideloads(self.planner.policy))))
            self.account.planned(chunk)
        detail = "; ".join(
            filter(
                None,
                (kept, f"{len(now_planned)} ticket(s) that waited for it read, {new} timer(s) made" if waiting else ""),
            )
        )
        if len(waiting) > len(now_planned):
            return JobResult(
                f"{detail}; {len(waiting) - len(now_planned)} more next minute",
                next_in=60.0,
                next_payload={"step": step + 1},
            )
        return JobResult(detail or "no ticket waited for the schedule")
