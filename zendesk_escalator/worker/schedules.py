"""The account's default Zendesk schedule: read hourly by one worker, kept for all of them.

Business-hours targets (percentage stages of a target Zendesk counts in business
hours, and the service's own targets with `schedule = "zendesk"`) count in it.
Two requests an hour: the schedules, and the default one's holidays.
"""

import json
import logging
import time
from datetime import datetime
from typing import Callable

from ..core.hours import Schedule
from ..core.schedule_api import schedule_from_zendesk
from ..errors import ZendeskRejected
from ..store.cursors import Cursors
from .escalate import Reader
from .periodic import JobResult

log = logging.getLogger(__name__)
KEY = "zendesk_schedule"
CACHE_SECONDS = 300.0


class ScheduleJob:
    """The periodic job that reads the account's default schedule and its holidays."""

    name, every, ticket_id = "zendesk_schedule", 3600.0, -3

    def __init__(self, reader: Reader, cursors: Cursors, clock: Callable[[], datetime]):
        self.reader, self.cursors, self.clock = reader, cursors, clock

    def run(self, payload: dict) -> JobResult:
        """Read and keep the default schedule (with its holidays)."""
        try:
            schedules = self.reader.schedules().get("schedules") or []
        except ZendeskRejected as error:
            return JobResult(f"schedules not readable ({error.status}): business hours unknown")
        if not schedules:
            return JobResult("the account has no schedule: business hours unknown")
        default = schedules[0]
        holidays = self.reader.holidays(default["id"])
        schedule_from_zendesk(default, holidays)  # refuse to keep what cannot be used
        self.cursors.set(KEY, json.dumps({"schedule": default, "holidays": holidays}), self.clock().timestamp())
        return JobResult(f"schedule {default.get('name')!r} ({default.get('time_zone')}) kept")


class AccountSchedule:
    """The kept schedule, parsed once and read again every few minutes."""

    def __init__(self, cursors: Cursors, monotonic: Callable[[], float] = time.monotonic):
        self.cursors, self.monotonic = cursors, monotonic
        self._schedule, self._read_at = None, None

    def __call__(self) -> Schedule | None:
        if self._read_at is None or self.monotonic() - self._read_at > CACHE_SECONDS:
            kept = self.cursors.get(KEY)
            self._schedule = schedule_from_zendesk(**json.loads(kept)) if kept else None
            self._read_at = self.monotonic()
        return self._schedule
