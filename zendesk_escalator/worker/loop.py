"""The queue worker: claim rows with a lease, hand them to their kind's handler, retry or bury failures.

Failures are retried by a time budget, not a count: a row dies only on a
permanent answer or when its budget (24 h by default) is spent. While Zendesk is
down or rate-limits the account, the process's workers pause together and send
one probe at a time (the breaker), instead of every row hammering on its own;
the first success wakes the rows the outage held back. A refusal of the
account's credentials (credentials.py) pauses them the same way and holds the
rows without spending their budget.
"""

import logging
import os
import random
import socket
import threading
import uuid
from datetime import datetime
from typing import Callable, Literal

from ..core.kinds import NOTICE, PERIODIC
from ..errors import StorageUnavailable, ZendeskError, ZendeskRateLimited, ZendeskUnavailable
from ..observability.logs import decision_fields
from ..observability.metrics import Metrics
from ..settings import Settings
from ..store.credential_state import CredentialState
from ..store.inbox import Inbox
from ..store.rows import InboxRow
from .credentials import HELD, Credentials
from .handlers import Handlers, Outcome
from .ports import JsonObject
from .retries import BACKOFF_CAP, BREAKER_CAP, Breaker, retry_delay, zendesk_is_down

log = logging.getLogger(__name__)
RETENTION_SECONDS = 30 * 24 * 3600
PURGE_EVERY = 3600.0


class Worker:
    """Processes inbox rows one ticket at a time until told to stop."""

    def __init__(
        self,
        inbox: Inbox,
        handlers: Handlers,
        *,
        lease_seconds: float,
        retry_budget: float,
        retry_base: float = Settings.retry_base_seconds,
        clock: Callable[[], datetime],
        rng: Callable[[], float] = random.random,
        breaker: Breaker | None = None,
        purges: bool = True,
        metrics: Metrics | None = None,
        credentials: Credentials | None = None,
        whoami: Callable[[], JsonObject] | None = None,
    ):
        self.inbox, self.handlers = inbox, handlers
        self.lease_seconds, self.retry_budget, self.retry_base = lease_seconds, retry_budget, retry_base
        self.clock, self.rng, self.purges = clock, rng, purges
        self.breaker = breaker or Breaker(retry_base)
        self.metrics = metrics or Metrics()
        self.credentials, self.whoami = credentials, whoami  # shared by the process; this thread's client asks
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.in_hand: list[InboxRow] = []
        self._last_purge = 0.0

    def now(self) -> float:
        """The injected clock, as seconds since the epoch (the inbox's unit)."""
        return self.clock().timestamp()

    def run(self, stop: threading.Event, poll_seconds: float = Settings.poll_seconds) -> None:
        """Work until `stop` is set (ring the inbox's doorbell to end a wait at once); finishes the batch in hand.

        Idle, it waits for the doorbell (a row committed) or for the next row's due
        time (a timer, a retry), at most `poll_seconds`: the poll is only a safety net.
        """
        log.info("worker %s started", self.owner)
        started = not self.purges  # the purging worker (one a process) also schedules the periodic jobs
        while not stop.is_set():
            try:
                if not started:
                    self.handlers.start()
                    started = True
                if self.purges:
                    self._purge_now_and_then()
                pause = self.breaker.pause_left(self.now())
                if pause:
                    stop.wait(min(pause, 5.0))
                elif not self.run_once():
                    idle = self._idle_for(poll_seconds)
                    log.debug("worker %s idle for up to %.3g s, or until rung", self.owner, idle)
                    self.inbox.database.doorbell.wait(idle)
            except StorageUnavailable as error:
                log.error("inbox unavailable, retrying in 5s: %s", error)
                stop.wait(5)
            except Exception:  # a bug: the thread must not die with it (its rows come back when their lease ends)
                log.exception("worker %s: unexpected error, going on in 5s", self.owner)
                stop.wait(5)
        log.info("worker %s stopped", self.owner)

    def run_once(self) -> bool:
        """Claim and handle one batch; False when nothing was due."""
        rows = self.inbox.claim(self.owner, self.now(), self.lease_seconds)
        if not rows:
            return False
        self.in_hand = rows
        try:
            with _LeaseKeeper(self, rows):
                self._handle(rows)
        finally:
            self.in_hand = []
        return True

    def _idle_for(self, poll_seconds: float) -> float:
        now = self.now()
        upcoming = self.inbox.next_run_at(now)
        return poll_seconds if upcoming is None else min(poll_seconds, upcoming - now)

    def hand_back(self) -> int:
        """Release the rows in hand so that another worker takes them now (on shutdown)."""
        rows = self.in_hand
        if rows and self.inbox.release(rows, self.owner, self.now()):
            log.warning("%s: handed back unfinished (worker stopping)", subject(rows[0]))
            return len(rows)
        return 0

    def _handle(self, rows: list[InboxRow]) -> None:
        try:
            results = self.handlers.handle(rows)
        except StorageUnavailable:
            raise
        except Exception as error:  # a Zendesk error, a bug or an unforeseen answer
            if not isinstance(error, ZendeskError):
                log.exception("unexpected error on %s", subject(rows[0]))
            self._failed(rows, error, retryable=getattr(error, "retryable", True))
            return
        if self.breaker.succeeded():
            woken = self.inbox.wake(self.now(), "ZendeskUnavailable")
            log.info("Zendesk answers again: %d row(s) held back by the outage are due now", woken)
        if (
            self.credentials
            and any(isinstance(r, Outcome) and r.api_calls for _, r in results)
            and self.credentials.succeeded(self.now())
        ):
            self.inbox.wake(self.now(), HELD)
        for group, result in results:
            if isinstance(result, Exception):
                self._failed(group, result, retryable=getattr(result, "retryable", True))
                continue
            log.info(
                "%s: %s (%s)", subject(group[0]), result.status, result.detail, extra=decision_fields(group, result)
            )
            self.metrics.handled(group, result, self.now())
            if not self.inbox.complete(group, self.owner, self.now(), result.to_dict(), result.comment_mark):
                log.warning("%s: lease lost before completion", subject(group[0]))

    def _failed(self, rows: list[InboxRow], error: Exception, retryable: bool) -> None:
        now, what = self.now(), subject(rows[0])
        message = f"{type(error).__name__}: {error}"
        told = getattr(error, "retry_after", None)
        # whoami is None only without credentials: wiring gives both or neither
        refusal = self.credentials and self.credentials.refusal(error, self.whoami, now)  # type: ignore[arg-type]
        if refusal:
            self._hold(rows, refusal)
            return
        if zendesk_is_down(error):
            self.metrics.paused(self.breaker.failed(now, told), told)
        unavailable = isinstance(error, (ZendeskUnavailable, ZendeskRateLimited))
        deadline = (
            min(r.deadline for r in rows if r.deadline) if all(r.deadline for r in rows) else now + self.retry_budget
        )
        if told is not None:
            deadline += told  # a wait Zendesk asked for does not use up the budget
        if not retryable or now >= deadline:
            why = "permanent answer" if not retryable else f"retried for {self.retry_budget / 3600:g} h"
            log.error("%s: giving up (%s): %s", what, why, message)
            # A job's row has no ticket of its own: its dead letter names the job.
            self.inbox.bury(rows, self.owner, now, f"{what}: {message}" if rows[0].kind == PERIODIC else message)
            return
        attempts = max(r.attempts for r in rows)
        delay = (
            told + self.rng()
            if told is not None
            else retry_delay(attempts, self.rng, self.retry_base, BREAKER_CAP if unavailable else BACKOFF_CAP)
        )
        run_at = min(now + delay, deadline)
        if self.inbox.retry(rows, self.owner, now, run_at, deadline, message):
            log.warning("%s: attempt failed (%s); retrying in %.1fs", what, message, run_at - now)
        else:
            log.warning("%s: attempt failed (%s) after its lease was lost", what, message)

    def _hold(self, rows: list[InboxRow], refusal: CredentialState) -> None:
        """Zendesk refuses the account's credentials: pause every thread, keep the rows (budget untouched)."""
        now = self.now()
        pause = self.breaker.failed(now, self.retry_base * BREAKER_CAP)
        self.metrics.paused(pause, None, reason="credentials")
        self.inbox.hold(rows, self.owner, now, now + pause, f"{HELD}: {refusal.reason}")
        assert self.credentials is not None, "a refusal comes from the credentials"
        self.credentials.refused(refusal, now, len(rows))

    def _purge_now_and_then(self) -> None:
        now = self.now()
        if now - self._last_purge >= PURGE_EVERY:
            self._last_purge = now
            purged = self.inbox.purge_done(now - RETENTION_SECONDS)
            if purged:
                log.info("purged %d finished rows older than 30 days", purged)


def subject(row: InboxRow) -> str:
    """How the log names a row's work: its periodic job, or its ticket."""
    job = row.payload.get("job") if row.kind == PERIODIC else None
    if row.kind == NOTICE:  # its queue is its own, beside the ticket's
        return f"notice of ticket {row.payload.get('ticket_id')}"
    return f"job {job}" if job else f"ticket {row.ticket_id}"


class _LeaseKeeper:
    """Renew the lease in the background while a batch is being processed."""

    def __init__(self, worker: Worker, rows: list[InboxRow]):
        self.worker, self.rows = worker, rows
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._renew, daemon=True)

    def __enter__(self) -> "_LeaseKeeper":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        self.stop.set()
        self.thread.join()
        return False

    def _renew(self) -> None:
        w = self.worker
        while not self.stop.wait(w.lease_seconds / 3):
            try:
                if not w.inbox.renew(self.rows, w.owner, w.now(), w.lease_seconds):
                    log.warning("%s: lease lost while processing", subject(self.rows[0]))
                    return
            except StorageUnavailable as error:
                log.error("lease renewal failed: %s", error)
