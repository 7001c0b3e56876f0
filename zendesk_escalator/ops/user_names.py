"""Agents' names for the sidebar app: read from Zendesk at most once an hour per user, kept in this web process.

A sidebar view costs at most one Zendesk request (GET users/show_many for its owner), and none while the name
is kept. While Zendesk does not answer, a user is asked again after a minute, not at every view.
"""

import logging
import threading
import time
from typing import Callable

from ..errors import ZendeskError

log = logging.getLogger(__name__)
KEEP_SECONDS = 3600.0  # an agent renamed shows the new name within the hour
RETRY_SECONDS = 60.0


class UserNames:
    """Names by user id, each looked up once and kept for KEEP_SECONDS."""

    def __init__(self, lookup: Callable[[int], str | None], clock: Callable[[], float] = time.monotonic):
        self.lookup, self.clock = lookup, clock
        self._kept: dict[int, tuple[str | None, float]] = {}  # user id -> (name, until)
        # One lookup at a time: a burst of views of one ticket asks Zendesk once, not once per thread.
        self._lock = threading.Lock()

    def name(self, user_id: int) -> str | None:
        """The user's name; None when Zendesk does not know it or does not answer (the app shows the id)."""
        with self._lock:
            now = self.clock()
            kept = self._kept.get(user_id)
            if kept and now < kept[1]:
                return kept[0]
            try:
                found, keep = self.lookup(user_id), KEEP_SECONDS
            except ZendeskError as error:
                log.warning("the name of user %s was not read (%s): the sidebar app shows the id", user_id, error)
                found, keep = None, RETRY_SECONDS
            self._kept[user_id] = (found, now + keep)
            return found
