"""Periodic jobs as inbox rows: each run once per slot across every worker, each scheduling the next.

A job's row is keyed by its name and slot (its run time divided by its period,
or for a job on the calendar the local date it runs on), so however many workers
schedule the same slot, one row exists and one run happens; chains started by
different processes meet on the same keys. A job's rows share a ticket id of their
own (a small negative number), so one job never runs twice at once and two jobs
never wait for each other.

A job that keeps failing leaves one dead row, not one a slot: the row of its first
failure carries it (retried, then buried, naming the job); until a run succeeds
again, the failures of later slots are logged as "failed" and their rows finished.
A calendar job's day is its own: each day's run is retried (and buried) apart.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Protocol, runtime_checkable

from ..core.kinds import PERIODIC
from ..store.cursors import Cursors
from ..store.inbox import Inbox
from ..store.rows import InboxRow
from .handlers import Outcome

log = logging.getLogger(__name__)
FAILING = "periodic_failing:"  # + job name: the id of the row that carries the job's failure (until it works)


@dataclass(frozen=True)
class JobResult:
    """What a run did, and when (and with what) the job wants to run next."""

    detail: str
    next_in: float | None = None  # seconds; None: the job's next slot
    next_payload: dict[str, Any] = field(default_factory=dict)  # a chained step (e.g. a sweep's cursor)


class Job(Protocol):
    name: str
    every: float  # seconds between runs
    ticket_id: int  # its own negative "ticket", so that its runs queue behind each other

    def run(self, payload: dict[str, Any]) -> JobResult:
        """Do one run."""


@runtime_checkable
class CalendarJob(Job, Protocol):
    """A job at a wall-clock moment (the daily report): not at start-up, and one slot a local day."""

    def next_run(self, after: float) -> float:
        """The first moment of the job strictly after `after`."""

    def slot(self, run_at: float) -> str:
        """The slot a moment of the job belongs to (its local date); it goes in the row's payload too."""


class Periodic:
    """The handler of periodic rows, and the scheduler of every job's next run."""

    def __init__(self, inbox: Inbox, clock: Callable[[], datetime], jobs: list[Job]):
        self.inbox, self.clock = inbox, clock
        self.jobs = {job.name: job for job in jobs}
        self.cursors = Cursors(inbox.database)

    def start(self) -> int:
        """Schedule every job's current slot (a worker starting); return how many were new."""
        now = self.clock().timestamp()
        return self.inbox.schedule([self._row(job, _first_run(job, now), {}) for job in self.jobs.values()], now)

    def handle(self, rows: list[InboxRow]) -> Outcome:
        """Run the job once for its due rows (slots missed while no worker ran are run as one)."""
        payload = rows[-1].payload
        job = self.jobs.get(payload["job"])
        if job is None:
            return Outcome("ignored", f"no job named {payload['job']!r} here (policy changed?)")
        if isinstance(job, CalendarJob):  # its next day does not wait on this run: a failed day stops no other
            now = self.clock().timestamp()
            self.inbox.schedule([self._row(job, job.next_run(now), {})], now)
        try:
            result = job.run(payload)
        except Exception as error:
            # The job's next slot is booked anyway, so that one run failing for good never stops the job.
            now = self.clock().timestamp()
            self.inbox.schedule([self._row(job, _next_slot(job, now), {})], now)
            carried = self._carried(job, rows[-1], error, now)
            if carried is None:
                raise  # this row retries, or becomes the job's dead letter
            return carried
        now = self.clock().timestamp()
        self.cursors.unmark([FAILING + job.name])
        run_at = now + result.next_in if result.next_in is not None else _next_slot(job, now)
        self.inbox.schedule([self._row(job, run_at, result.next_payload)], now)
        return Outcome("done", result.detail)

    def _carried(self, job: Job, row: InboxRow, error: Exception, now: float) -> Outcome | None:
        """A failure an earlier row of the job carries already (retried, or dead): logged, not buried again.

        None: this row carries it. A day of a calendar job is its own (a report lost is not the next one)."""
        if isinstance(job, CalendarJob):
            return None
        carrier = self.cursors.get(FAILING + job.name)
        if carrier in (None, str(row.id)):
            self.cursors.set(FAILING + job.name, str(row.id), now)
            return None
        log.warning(
            "job %s failed again (%s: %s); row %s stands for its failure",
            job.name,
            type(error).__name__,
            error,
            carrier,
        )
        return Outcome("failed", f"{type(error).__name__}: {error} (row {carrier} carries the failure)")

    @staticmethod
    def _row(job: Job, run_at: float, chained: dict[str, Any]) -> dict[str, Any]:
        on_calendar = isinstance(job, CalendarJob)
        slot = job.slot(run_at) if isinstance(job, CalendarJob) else int(run_at // job.every)
        key = f"{PERIODIC}:{job.name}:{slot}" + (f":{chained['step']}" if "step" in chained else "")
        payload = {"job": job.name, **({"slot": slot} if on_calendar else {}), **chained}
        return {"kind": PERIODIC, "dedupe_key": key, "ticket_id": job.ticket_id, "payload": payload, "run_at": run_at}


def _first_run(job: Job, now: float) -> float:
    return job.next_run(now) if isinstance(job, CalendarJob) else now


def _next_slot(job: Job, now: float) -> float:
    if isinstance(job, CalendarJob):
        return job.next_run(now)
    return (int(now // job.every) + 1) * job.every
