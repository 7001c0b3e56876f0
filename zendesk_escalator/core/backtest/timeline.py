"""The backtest's timeline: what happens next to which ticket, in the order things happened."""

import heapq
import itertools
from datetime import datetime
from typing import cast

from ..notification import Notification
from ..sla.timers import Timer
from .replayed import MomentKey
from .ticket_history import Change

# At one moment: changes first, then the referrals they lead to, the clock, SLA timers, lifecycle moments.
CHANGE, REFERRAL, CLOCK, TIMER, MOMENT = range(5)
Item = Change | Notification | Timer | MomentKey | None  # by kind: a change, a referral, none, a timer, a moment


class Timeline:
    """A heap of what is to happen: by moment, then kind (in the order above), then ticket, then first pushed."""

    def __init__(self) -> None:
        self._queue: list[tuple[datetime, int, int, int, Item]] = []
        self._order = itertools.count()

    def push(self, at: datetime, kind: int, ticket_id: int, item: Item) -> None:
        """Something to happen to the ticket at `at`."""
        heapq.heappush(self._queue, (at, kind, ticket_id, next(self._order), item))

    def pop_until(self, until: datetime) -> tuple[datetime, int, Item] | None:
        """The next thing to happen up to `until`: when, to which ticket, what (None: nothing more)."""
        if not self._queue or self._queue[0][0] > until:
            return None
        at, _, ticket_id, _, item = heapq.heappop(self._queue)
        return at, ticket_id, item

    def timers_also_due(self, at: datetime, ticket_id: int) -> list[Timer]:
        """The ticket's other timers of the same moment: the handler takes them together."""
        due = []
        while self._queue and self._queue[0][:3] == (at, TIMER, ticket_id):
            due.append(cast(Timer, heapq.heappop(self._queue)[4]))  # a TIMER's item is one
        return due
