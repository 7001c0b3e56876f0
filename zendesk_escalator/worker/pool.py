"""A process's worker threads: started together, stopped together, nothing left leased."""

import threading
import time
from typing import Callable

from ..store.inbox import Inbox
from ..store.listen import Listener
from ..store.wakeup import PipeReader
from .loop import Worker

STOP_GRACE = 3.0  # seconds a stopping worker gives the tickets in hand to finish
PoolFactory = Callable[..., "WorkerPool"]  # wiring.build_pool: (settings, policy, inbox, count, metrics=...)


class WorkerPool:
    """The threads of a process's workers (built by wiring.build_pool), and their wake-ups from other processes."""

    def __init__(self, workers: list[Worker], inbox: Inbox, poll_seconds: float):
        self.workers = workers
        self.inbox, self.poll_seconds = inbox, poll_seconds
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        self.listener: Listener | PipeReader | None = None

    def start(self, poll_seconds: float | None = None) -> "WorkerPool":
        """Listen for the other processes' new rows, and start one thread per worker."""
        self.listener = self.inbox.database.listen()
        for n, worker in enumerate(self.workers):
            thread = threading.Thread(
                target=worker.run,
                args=(self.stop_event, poll_seconds or self.poll_seconds),
                name=f"queue-worker-{n}",
                daemon=True,
            )
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self, grace: float = STOP_GRACE) -> int:
        """Stop claiming; let the tickets in hand finish for `grace` seconds, then hand the rest back.

        A thread still waiting on Zendesk then is left behind (the process exits
        under it): its rows are already pending again for another worker, and
        if its update lands after all, the next worker's fresh read sees it.
        """
        self.stop_event.set()
        self.inbox.database.doorbell.ring(len(self.workers))  # the idle ones stop now
        deadline = time.monotonic() + grace
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        handed_back = sum(worker.hand_back() for worker in self.workers)
        if self.listener:
            self.listener.stop()
        return handed_back
