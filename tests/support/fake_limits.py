"""Zendesk's rate limits for the fake: 429 with Retry-After past a limit, each over the last 60 s.

Plugged in as FakeZendesk's `fault` hook. The account limit (700 requests a
minute, Enterprise), ticket updates (100 a minute) and the incremental exports
(10 a minute) are counted on the fake's clock over a sliding minute, which is
stricter than a fixed one. A refused request counts towards no limit, so a
client that honours Retry-After gets through when told.
"""

import math
import re
import threading
import time
from collections import Counter, deque
from typing import Callable

from support.fake_zendesk import Fault

TICKET_UPDATE = re.compile(r"^/api/v2/tickets/\d+\.json$")
LIMITS = (
    ("account", 700, lambda method, path: True),
    ("ticket updates", 100, lambda method, path: method == "PUT" and bool(TICKET_UPDATE.match(path))),
    ("incremental exports", 10, lambda method, path: method == "GET" and path.startswith("/api/v2/incremental/")),
)


class ZendeskLimits:
    """The fault hook that refuses requests beyond Zendesk's limits; `refused` counts them by limit."""

    def __init__(self, clock: Callable[[], float] = time.time, limits=LIMITS):
        self.clock, self.limits = clock, limits
        self.windows: dict[str, deque[float]] = {name: deque() for name, _, _ in limits}
        self.refused: Counter[str] = Counter()
        self.lock = threading.Lock()

    def __call__(self, method: str, path: str, count: int) -> Fault | None:
        now = self.clock()
        with self.lock:
            applying = [(name, most) for name, most, applies in self.limits if applies(method, path)]
            for name, most in applying:
                window = self.windows[name]
                while window and window[0] <= now - 60:
                    window.popleft()
                if len(window) >= most:
                    self.refused[name] += 1
                    wait = max(1, math.ceil(window[0] + 60 - now))
                    return Fault(
                        429,
                        {
                            "error": "APIRateLimitExceeded",
                            "description": f"Rate limit exceeded: {most} {name} a minute",
                        },
                        {"retry-after": str(wait)},
                    )
            for name, _ in applying:
                self.windows[name].append(now)
        return None
