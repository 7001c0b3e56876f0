"""The queue worker: claim rows with a lease, process them, retry or bury failures."""

import logging
import os
import random
import socket
import threading
import time
import uuid
from typing import Callable

from ..settings import Settings
from ..errors import StorageUnavailable, ZendeskError, ZendeskRateLimited
from ..store.inbox import Inbox, InboxRow
from .escalate import Processor
from ..core.notification import Notification

log = logging.getLogger(__name__)
BACKOFF_CAP = 900.0
RETENTION_SECONDS = 30 * 24 * 3600
PURGE_EVERY = 3600.0
POLL_INTERVAL = 0.2  # seconds to wait when nothing is due


def retry_delay(attempts: int, retry_after: float | None, rng: Callable[[], float],
                base: float = Settings.retry_base_seconds) -> float:
    """Seconds until the next try: Zendesk's Retry-After if given, else exponential with jitter."""
    if retry_after is not None:
        return retry_after + rng()  # a little spread so retries do not arrive together
    ceiling = min(BACKOFF_CAP, base * 2 ** (attempts - 1))
    return ceiling / 2 + rng() * ceiling / 2


class Worker:
    """Processes inbox rows one ticket at a time until told to stop."""

    def __init__(self, inbox: Inbox, processor: Processor, *, max_attempts: int,
                 lease_seconds: float, retry_base: float = Settings.retry_base_seconds,
                 clock: Callable[[], float] = time.time, rng: Callable[[], float] = random.random,
                 api_calls: Callable[[], int] = lambda: 0, purges: bool = True):
        self.inbox, self.processor = inbox, processor
        self.max_attempts, self.lease_seconds, self.retry_base = max_attempts, lease_seconds, retry_base
        self.clock, self.rng, self.api_calls, self.purges = clock, rng, api_calls, purges
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._last_purge = 0.0

    def run(self, stop: threading.Event, poll_interval: float = POLL_INTERVAL) -> None:
        """Work until `stop` is set; finishes the batch in hand first."""
        log.info("worker %s started", self.owner)
        while not stop.is_set():
            try:
                if self.purges:
                    self._purge_now_and_then()
                if not self.run_once():
                    stop.wait(poll_interval)
            except StorageUnavailable as error:
                log.error("inbox unavailable, retrying in 5s: %s", error)
                stop.wait(5)
        log.info("worker %s stopped", self.owner)

    def run_once(self) -> bool:
        """Claim and handle one batch; False when nothing was due."""
        rows = self.inbox.claim(self.owner, self.clock(), self.lease_seconds, self.max_attempts)
        if not rows:
            return False
        with _LeaseKeeper(self, rows):
            self._handle(rows)
        return True

    def _handle(self, rows: list[InboxRow]) -> None:
        notes = [Notification.from_dict(row.payload) for row in rows]
        calls_before = self.api_calls()
        try:
            outcome = self.processor.process(notes)
        except ZendeskError as error:
            self._failed(rows, error, retryable=error.retryable)
            return
        except StorageUnavailable:
            raise
        except Exception as error:  # a bug or an unforeseen answer: keep the row, retry later
            log.exception("unexpected error on ticket %s", rows[0].ticket_id)
            self._failed(rows, error, retryable=True)
            return
        result = {**outcome.to_dict(), "api_calls": self.api_calls() - calls_before,
                  "coalesced": len(rows)}
        log.info("ticket %s: %s (%s)", rows[0].ticket_id, outcome.status, outcome.detail)
        if not self.inbox.complete(rows, self.owner, self.clock(), result):
            log.warning("ticket %s: lease lost before completion", rows[0].ticket_id)

    def _failed(self, rows: list[InboxRow], error: Exception, retryable: bool) -> None:
        attempts = max(row.attempts for row in rows)
        message = f"{type(error).__name__}: {error}"
        if not retryable or attempts >= self.max_attempts:
            log.error("ticket %s: giving up after %d attempt(s): %s", rows[0].ticket_id, attempts, message)
            self.inbox.bury(rows, self.owner, self.clock(), message)
            return
        retry_after = error.retry_after if isinstance(error, ZendeskRateLimited) else None
        delay = retry_delay(attempts, retry_after, self.rng, self.retry_base)
        log.warning("ticket %s: attempt %d failed (%s); retrying in %.1fs",
                    rows[0].ticket_id, attempts, message, delay)
        self.inbox.retry(rows, self.owner, self.clock(), delay, message)

    def _purge_now_and_then(self) -> None:
        now = self.clock()
        if now - self._last_purge >= PURGE_EVERY:
            self._last_purge = now
            purged = self.inbox.purge_done(now - RETENTION_SECONDS)
            if purged:
                log.info("purged %d finished rows older than 30 days", purged)


class _LeaseKeeper:
    """Renew the lease in the background while a batch is being processed."""

    def __init__(self, worker: Worker, rows: list[InboxRow]):
        self.worker, self.rows = worker, rows
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._renew, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        return False

    def _renew(self) -> None:
        w = self.worker
        while not self.stop.wait(w.lease_seconds / 3):
            try:
                if not w.inbox.renew(self.rows, w.owner, w.clock(), w.lease_seconds):
                    log.warning("ticket %s: lease lost while processing", self.rows[0].ticket_id)
                    return
            except StorageUnavailable as error:
                log.error("lease renewal failed: %s", error)
