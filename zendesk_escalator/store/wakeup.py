"""Wake idle worker threads when rows fall due, instead of making them poll.

In a process, the store rings its Doorbell once a commit has made rows due (or
planned new ones): the waiting worker threads claim at once. Between processes,
PostgreSQL carries a NOTIFY in the same transaction (listen.py); on SQLite, whose
processes share one machine, a byte goes through a named pipe beside the
database file (PipeBell). Whatever is lost on the way, the workers' safety-net
poll (ESCALATOR_POLL_SECONDS) finds.
"""

import logging
import os
import stat
import threading

log = logging.getLogger(__name__)
DEAF_POLL = 0.2  # seconds between claims while a process cannot hear the others' rings (the old poll)
KEPT = 16  # rings kept while no thread waits; more would only cost empty claims


class Doorbell:
    """Rung once per row a commit made due: wakes up to that many waiting worker threads.

    A ring while no thread waits is kept, so a row committed between a thread's
    empty claim and its wait is not missed: that thread claims again at once.
    """

    def __init__(self) -> None:
        self._rung = threading.Condition()
        self._rings = self._waiting = 0
        self.deaf = False  # set while other processes' rings cannot be heard (a lost LISTEN connection)

    def deafen(self, deaf: bool) -> None:
        """Say whether other processes' rings can be heard; going deaf wakes every waiting thread, to poll."""
        with self._rung:
            self.deaf = deaf
            if deaf:
                self.ring(self._waiting)

    def ring(self, rows: int = 1) -> None:
        """Rows were committed due or planned: wake as many waiting threads."""
        with self._rung:
            self._rings = min(self._rings + rows, KEPT)
            self._rung.notify(rows)

    def wait(self, timeout: float) -> bool:
        """Wait for a ring at most `timeout` seconds (DEAF_POLL while deaf); True when rung."""
        if self.deaf:
            timeout = min(timeout, DEAF_POLL)
        with self._rung:
            self._waiting += 1
            try:
                if not self._rung.wait_for(lambda: self._rings > 0, timeout):
                    return False
            finally:
                self._waiting -= 1
            self._rings -= 1
            return True


class PipeBell:
    """SQLite's ring between processes: a named pipe beside the database, read by each worker process.

    A writer puts one byte in after its commit, without blocking: if nobody
    reads (no worker process) or the pipe is full (its reader is behind, so
    already awake), the byte is dropped. One reader gets each byte: with several
    worker processes one of them wakes, and it claims all that is due.
    """

    def __init__(self, path: str):
        self.path = path

    def ring(self) -> None:
        """Wake a listening process, if any."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # no pipe yet, or nobody reading it
            return
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):  # never append to a file that took its name
                os.write(fd, b"!")
        except OSError:  # full: its reader has rings enough
            pass
        finally:
            os.close(fd)

    def listen(self, doorbell: Doorbell) -> "PipeReader | None":
        """Ring `doorbell` for every byte written; None (poll only) when the pipe cannot be made."""
        try:
            os.mkfifo(self.path, 0o600)
        except FileExistsError:
            pass
        except OSError as error:
            log.warning("cannot make the wake-up pipe %s (%s): workers poll", self.path, error)
            return None
        if not stat.S_ISFIFO(os.stat(self.path).st_mode):
            log.warning("%s is not a pipe: workers poll (remove it to be woken)", self.path)
            return None
        return PipeReader(self.path, doorbell)


class PipeReader:
    """A thread reading the pipe. Opened read-write, so it never sees end-of-file as writers come and go."""

    def __init__(self, path: str, doorbell: Doorbell):
        self.fd, self.doorbell = os.open(path, os.O_RDWR), doorbell
        self.stopping = False
        self.thread = threading.Thread(target=self._read, name="inbox-pipe", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop reading and close the pipe."""
        self.stopping = True
        os.write(self.fd, b"!")  # unblocks the read
        self.thread.join(5)

    def _read(self) -> None:
        while not self.stopping:
            self.doorbell.ring(len(os.read(self.fd, 4096)))
        os.close(self.fd)
