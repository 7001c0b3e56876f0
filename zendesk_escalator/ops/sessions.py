"""Dashboard sessions: a signed, expiring cookie per sign-in; throttled wrong tokens; the sign-in form's CSRF token.

A session is a random id and its end, signed (itsdangerous) with a key made
from ESCALATOR_ADMIN_TOKEN: nothing is stored, so every web process accepts
it, the server checks the end itself (12 h after sign-in, whatever the
browser keeps), and a new token ends every session. The value differs at each
sign-in and says nothing about the token.

Wrong tokens are counted per client address in each web process (10 a minute,
then 429 with Retry-After): with N web processes a guesser gets N × 10 tries a
minute against a token of at least 16 random characters, and nothing is
written to the database for a guess. The address is the connection's: behind a
proxy its clients share one count (X-Forwarded-For is not trusted).
"""

import hmac
import ipaddress
import secrets
import threading
from collections import deque

from itsdangerous import BadSignature, URLSafeSerializer

SESSION_HOURS = 12
TRIES_PER_MINUTE = 10
FORWARDED = ("X-Forwarded-Proto", "X-Forwarded-For", "Forwarded")


class SessionSigner:
    """Make and check session values for one admin token."""

    def __init__(self, admin_token: str):
        self._serializer = URLSafeSerializer(admin_token, salt="escalator dashboard session")

    def new(self, now: float, who: str = "admin token") -> str:
        """A fresh session value: a random id, who signed in, and when it ends."""
        return self._serializer.dumps({"id": secrets.token_urlsafe(16), "who": who,
                                       "ends": now + SESSION_HOURS * 3600})

    def valid(self, value: str, now: float) -> bool:
        """True for a value this token signed that has not ended."""
        try:
            session = self._serializer.loads(value)
        except BadSignature:
            return False
        return isinstance(session, dict) and isinstance(session.get("ends"), (int, float)) and now < session["ends"]


class Throttle:
    """Wrong tokens per client address in the last minute, for this process."""

    def __init__(self, limit: int = TRIES_PER_MINUTE, window: float = 60.0):
        self.limit, self.window = limit, window
        self._lock = threading.Lock()
        self._misses: dict[str, deque] = {}

    def wait(self, address: str, now: float) -> int:
        """Seconds this address must wait before it may try again (0: it may)."""
        with self._lock:
            misses = self._recent(address, now)
            return int(misses[0] + self.window - now) + 1 if len(misses) >= self.limit else 0

    def missed(self, address: str, now: float) -> None:
        """Count one wrong token from this address."""
        with self._lock:
            self._recent(address, now).append(now)

    def _recent(self, address: str, now: float) -> deque:
        for stale in [a for a, m in self._misses.items() if not m or m[-1] <= now - self.window]:
            del self._misses[stale]  # bounded by the addresses that guessed within a minute
        misses = self._misses.setdefault(address, deque())
        while misses and misses[0] <= now - self.window:
            misses.popleft()
        return misses


def secure_cookie(scheme: str, remote_address: str | None, headers) -> bool:
    """Mark cookies Secure unless the request is plain http from this machine with no proxy in between.

    A proxy header only ever makes it stricter: it is never trusted to say the
    browser used plain http.
    """
    if scheme != "http" or any(name in headers for name in FORWARDED):
        return True
    try:
        return not ipaddress.ip_address(remote_address or "").is_loopback
    except ValueError:
        return True


def same(given: str, expected: str) -> bool:
    """Constant-time comparison (bytes: compare_digest refuses non-ASCII str)."""
    return hmac.compare_digest(given.encode(), expected.encode())
