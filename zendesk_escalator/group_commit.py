"""Group commit: concurrent requests share one transaction, so one fsync acknowledges many."""

import os
import queue
import threading
from typing import Callable

from .errors import StorageUnavailable

WAIT_SECONDS = 30.0


class _Waiter:
    def __init__(self, item):
        self.item, self.result, self.error = item, None, None
        self.done = threading.Event()


class GroupCommit:
    """Run `commit(items) -> results` on one writer thread over whatever has queued up.

    Each caller blocks until the transaction holding its item has committed, so
    durability is unchanged; throughput grows with concurrency instead of being
    capped at one commit (one disk flush) per request.
    """

    def __init__(self, commit: Callable[[list], list], max_batch: int = 256):
        self.commit, self.max_batch = commit, max_batch
        self._lock = threading.Lock()
        self._pid = None
        self._queue: queue.Queue = queue.Queue()

    def submit(self, item):
        """Queue one item, wait for its commit, and return its result (or raise its error)."""
        waiter = _Waiter(item)
        self._writer_queue().put(waiter)
        if not waiter.done.wait(WAIT_SECONDS):
            raise StorageUnavailable(f"no commit within {WAIT_SECONDS:.0f}s")
        if waiter.error is not None:
            raise waiter.error
        return waiter.result

    def _writer_queue(self) -> queue.Queue:
        # Started lazily and again after a fork: gunicorn forks after the app is built.
        with self._lock:
            if self._pid != os.getpid():
                self._pid, self._queue = os.getpid(), queue.Queue()
                threading.Thread(target=self._run, args=(self._queue,), daemon=True,
                                 name="inbox-group-commit").start()
            return self._queue

    def _run(self, waiting: queue.Queue) -> None:
        while True:
            batch = [waiting.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(waiting.get_nowait())
                except queue.Empty:
                    break
            try:
                for waiter, result in zip(batch, self.commit([w.item for w in batch])):
                    waiter.result = result
            except Exception as error:  # every waiter of a failed transaction hears why
                for waiter in batch:
                    waiter.error = error
            for waiter in batch:
                waiter.done.set()
