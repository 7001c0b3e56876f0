"""Dashboard sessions: a signed, expiring cookie per sign-in; throttled wrong tokens; CSRF tokens.

A session is a random id, who signed in (the admin token, or a Zendesk user's
id, name and role as read at sign-in) and its end, signed (itsdangerous) with a
key made from ESCALATOR_ADMIN_TOKEN and ZENDESK_OAUTH_CLIENT_SECRET: nothing is
stored, so every web process accepts it, the server checks the end itself (12 h
after sign-in, whatever the browser keeps), and a new token or client secret
ends every session. The value differs at each sign-in and says nothing of the
secrets; no Zendesk access token is kept in it.

Wrong tokens are counted per client address in each web process (10 a minute,
then 429 with Retry-After): with N web processes a guesser gets N × 10 tries a
minute against a token of at least 16 random characters, and nothing is
written to the database for a guess. The address is the connection's: behind a
proxy its clients share one count (X-Forwarded-For is not trusted).
"""

import hashlib
import hmac
import ipaddress
import secrets
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.datastructures import Headers

SESSION_HOURS = 12
TRIES_PER_MINUTE = 10
FORWARDED = ("X-Forwarded-Proto", "X-Forwarded-For", "Forwarded")


@dataclass(frozen=True)
class Viewer:
    """Who a session (or a bearer token) is: the admin token, or a Zendesk user as read at sign-in."""

    kind: str  # token | zendesk
    user_id: int | None = None
    name: str = ""
    role: str = ""
    session_id: str | None = None  # None for a bearer token: no form of the page is offered to it

    @property
    def who(self) -> str:
        """How the log names this viewer."""
        return "the admin token" if self.kind == TOKEN else f"{self.name} (user {self.user_id}, {self.role})"

    @property
    def label(self) -> str:
        """How the page says who is signed in."""
        return "with the admin token" if self.kind == TOKEN else f"as {self.who}"


TOKEN, ZENDESK = "token", "zendesk"


class SessionSigner:
    """Make and check session values with one key (session_key: the admin token and the OAuth client secret)."""

    def __init__(self, key: str):
        self._serializer = URLSafeSerializer(key, salt="escalator dashboard session")
        self._key = key.encode()

    def new(self, now: float, viewer: Viewer = Viewer(TOKEN)) -> str:
        """A fresh session value: a random id, who signed in, and when it ends."""
        return self._serializer.dumps(
            {
                "id": secrets.token_urlsafe(16),
                "ends": now + SESSION_HOURS * 3600,
                "who": {"kind": viewer.kind, "id": viewer.user_id, "name": viewer.name, "role": viewer.role},
            }
        )

    def viewer(self, value: str, now: float) -> Viewer | None:
        """Who a value this key signed names, while it has not ended; None otherwise."""
        try:
            session = self._serializer.loads(value)
        except BadSignature:
            return None
        if not (isinstance(session, dict) and isinstance(session.get("ends"), (int, float)) and now < session["ends"]):
            return None
        found = session.get("who")
        who: dict[str, Any] = found if isinstance(found, dict) else {"kind": TOKEN}
        return Viewer(
            who.get("kind", TOKEN), who.get("id"), who.get("name") or "", who.get("role") or "", session.get("id")
        )

    def csrf(self, viewer: Viewer) -> str:
        """The CSRF token of the page's forms for this session (nothing to store: derived from its id)."""
        return hmac.new(self._key, f"csrf {viewer.session_id}".encode(), hashlib.sha256).hexdigest()


def session_key(admin_token: str | None, client_secret: str | None) -> str | None:
    """The key sessions are signed with: either secret may open the dashboard, and changing either ends them all."""
    if not (admin_token or client_secret):
        return None
    return f"{admin_token or ''}\n{client_secret or ''}"


class Throttle:
    """Wrong tokens per client address in the last minute, for this process."""

    def __init__(self, limit: int = TRIES_PER_MINUTE, window: float = 60.0):
        self.limit, self.window = limit, window
        self._lock = threading.Lock()
        self._misses: dict[str, deque[float]] = {}

    def wait(self, address: str, now: float) -> int:
        """Seconds this address must wait before it may try again (0: it may)."""
        with self._lock:
            misses = self._recent(address, now)
            return int(misses[0] + self.window - now) + 1 if len(misses) >= self.limit else 0

    def missed(self, address: str, now: float) -> None:
        """Count one wrong token from this address."""
        with self._lock:
            self._recent(address, now).append(now)

    def _recent(self, address: str, now: float) -> deque[float]:
        for stale in [a for a, m in self._misses.items() if not m or m[-1] <= now - self.window]:
            del self._misses[stale]  # bounded by the addresses that guessed within a minute
        misses = self._misses.setdefault(address, deque())
        while misses and misses[0] <= now - self.window:
            misses.popleft()
        return misses


def secure_cookie(scheme: str, remote_address: str | None, headers: Headers) -> bool:
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
