"""The directory where prometheus_client's multiprocess mode keeps each process's counts.

prometheus_client decides on multiprocess mode when it is first imported, from
PROMETHEUS_MULTIPROC_DIR, so the variable must come from the process's
environment (the Procfile sets a default) and is never set here; one set
later (from .env) is ignored, with a warning. What is done here: create the
directory, start it afresh when a new run begins, and forget dead processes.

A new run begins when no process uses the directory any more. Every process
that does holds a shared flock on its lock file for as long as it lives (the
kernel drops it when the process dies, even by SIGKILL; gunicorn's workers
inherit their master's); a process that can take the lock exclusively is alone
and wipes the files of the previous run. While others run, nothing is wiped:
the counts of a process that died stay in the totals, so /metrics never goes
backwards under a running service (a restarted worker beside a running web).
"""

import fcntl
import glob
import logging
import os

from prometheus_client import values
from prometheus_client.multiprocess import mark_process_dead

log = logging.getLogger(__name__)

ENV = "PROMETHEUS_MULTIPROC_DIR"
LOCK_FILE = "in-use.lock"  # not *.db: prometheus_client reads only those


def directory() -> str | None:
    """The shared directory if prometheus_client counts in one, else None (each process reports its own)."""
    # What the library decided at its import, not the variable now: the two differ when .env set it late.
    return os.environ.get(ENV) if values.ValueClass._multiprocess else None


class DirectoryInUse:
    """Holds the shared lock that tells later processes a run is going on; close() lets go."""

    def __init__(self, path: str):
        os.makedirs(path, exist_ok=True)
        self.path = path
        self.fd = os.open(os.path.join(path, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o600)
        self.wiped = _wipe_if_alone(self.fd, path)
        fcntl.flock(self.fd, fcntl.LOCK_SH)  # blocks while another process wipes

    def close(self) -> None:
        """Stop holding the directory in use."""
        os.close(self.fd)


def prepare() -> DirectoryInUse | None:
    """Create the directory, wipe it if this process starts a new run, hold it in use; None when unset.

    Call before this process (or, in a gunicorn master, any of its workers)
    creates a metric: the files of a run are only wiped while nobody writes them.
    """
    path = directory()
    if os.environ.get(ENV) and not path:
        log.warning(
            "%s was set after the process started (in .env?) and is ignored: each process reports "
            "only its own counts. Set it in the environment the process starts with.",
            ENV,
        )
    return DirectoryInUse(path) if path else None


def process_ended(pid: int) -> None:
    """Forget a dead process's live gauges (gunicorn's child_exit); its counts stay in the totals."""
    if directory():
        mark_process_dead(pid)


def _wipe_if_alone(fd: int, path: str) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # a run is going on
    for stale in glob.glob(os.path.join(path, "*.db")):
        os.remove(stale)
    return True
