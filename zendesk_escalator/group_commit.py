"""Group commit: concurrent requests share one transaction, so one flush acknowledges many."""

import threading
from typing import Callable

from .errors import StorageUnavailable

WAIT_SECONDS = 30.0


class _Waiter:
    def __init__(self, item):
        self.item, self.result, self.error, self.done = item, None, None, False


class GroupCommit:
    """Run `commit(items) -> results` over everything submitted while the last commit ran.

    The first caller to find no commit in progress becomes the leader: it commits
    its own item together with whatever queued up, then hands over. Callers block
    until the transaction holding their item has committed, so durability is
    unchanged; throughput grows with concurrency instead of being capped at one
    commit (one disk flush) per request, and nobody waits for a thread hand-off.
    """

    def __init__(self, commit: Callable[[list], list]):
        self.commit = commit
        self._cond = threading.Condition()
        self._queue: list[_Waiter] = []
        self._committing = False

    def submit(self, item):
        """Commit one item (possibly with others) and return its result, or raise its error."""
        waiter = _Waiter(item)
        with self._cond:
            self._queue.append(waiter)
            while self._committing and not waiter.done:
                if not self._cond.wait(WAIT_SECONDS):
                    raise StorageUnavailable(f"no commit within {WAIT_SECONDS:.0f}s")
            if not waiter.done:
                batch, self._queue, self._committing = self._queue, [], True
        if not waiter.done:
            self._lead(batch)
        if waiter.error is not None:
            raise waiter.error
        return waiter.result

    def _lead(self, batch: list[_Waiter]) -> None:
        try:
            for waiter, result in zip(batch, self.commit([w.item for w in batch])):
                waiter.result = result
        except Exception as error:  # every caller of a failed transaction hears why
            for waiter in batch:
                waiter.error = error
        with self._cond:
            for waiter in batch:
                waiter.done = True
            self._committing = False
            self._cond.notify_all()
