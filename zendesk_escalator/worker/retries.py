"""When a failed row is tried again: its own backoff, and the breaker that pauses every worker thread of a
process while Zendesk is down (one probe at a time instead of every row hammering on its own)."""

import threading
from typing import Callable

from ..errors import ZendeskRateLimited, ZendeskUnavailable
from ..settings import Settings

# The schedule scales with ESCALATOR_RETRY_BASE_SECONDS (2 s by default):
BACKOFF_CAP = 150  # × base: a row's own retries (a conflict, a bug) at most 5 minutes apart
BREAKER_CAP = 30  # × base: while Zendesk is down one probe a minute, so its return is seen soon


def retry_delay(
    attempts: int, rng: Callable[[], float], base: float = Settings.retry_base_seconds, cap: float = BACKOFF_CAP
) -> float:
    """Seconds until a row's next try: exponential with jitter, at most `cap` × base."""
    ceiling: float = base * min(cap, 2 ** (attempts - 1))
    return ceiling / 2 + rng() * ceiling / 2


DOWN_STATUSES = frozenset({None, 502, 503, 504})  # no answer at all, or a gateway's: Zendesk is down


def zendesk_is_down(error: Exception) -> bool:
    """A failure that says Zendesk (or the account's rate limit) is unavailable, not this request."""
    return isinstance(error, ZendeskRateLimited) or (
        isinstance(error, ZendeskUnavailable) and error.status in DOWN_STATUSES
    )


class Breaker:
    """Shared by the worker threads of a process: while Zendesk is down, pause them all.

    A Retry-After is account-wide, so it pauses at once, as told. Otherwise it
    takes TRIP_AFTER failures in a row (any success in between resets the count),
    so that one ticket that keeps failing does not hold up the others.
    """

    TRIP_AFTER = 3

    def __init__(self, base: float = Settings.retry_base_seconds, cap: float = BREAKER_CAP):
        self.base, self.cap = base, cap * base
        self._lock = threading.Lock()
        self._until, self._failures = 0.0, 0

    def pause_left(self, now: float) -> float:
        """Seconds to wait before claiming again (0 when closed)."""
        with self._lock:
            return max(0.0, self._until - now)

    def failed(self, now: float, told: float | None) -> float:
        """Zendesk is down or busy: pause as told, or longer after each failure in a row."""
        with self._lock:
            self._failures += 1
            if told is not None:
                pause = told
            elif self._failures >= self.TRIP_AFTER:
                pause = min(self.cap, self.base * 2 ** (self._failures - self.TRIP_AFTER))
            else:
                return 0.0
            self._until = max(self._until, now + pause)
            return pause

    def succeeded(self) -> bool:
        """Close again; True when it had been open (the outage is over)."""
        with self._lock:
            was_open, self._failures = self._failures > 0, 0
            return was_open
