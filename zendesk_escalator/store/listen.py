"""PostgreSQL's ring between processes: NOTIFY in the committing transaction, LISTEN in each worker process.

A notification is delivered only when its transaction commits, so it never
precedes its row. The listener holds its own connection (not the pool's: it
stays idle in LISTEN for good). While that connection is lost the process is
deaf: its workers fall back to polling (wakeup.DEAF_POLL) and the listener
reconnects, then rings once for what was committed meanwhile. LISTEN needs a
session of its own: behind a pooler in transaction mode (PgBouncer's) nothing
is heard, and the safety-net poll carries the work.
"""

import logging
import threading
from typing import Any

import psycopg
from sqlalchemy.engine import URL

from .wakeup import DEAF_POLL, Doorbell

log = logging.getLogger(__name__)
CHANNEL = "escalator_inbox"
NAME = "escalator-listen"  # its application_name in pg_stat_activity
STOP_CHECK = 1.0  # seconds between looks at the stop flag while no notification comes
RECONNECT_FIRST, RECONNECT_CAP = 0.5, 30.0
# Keepalives: a connection silently gone (a network partition) is noticed within about a minute.
CONNECT: dict[str, Any] = {  # libpq parameters
    "connect_timeout": 10,
    "application_name": NAME,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


def notify_sql(rows_sql: str) -> str:
    """SQL that notifies the listeners of `rows_sql` rows (the text of an integer expression)."""
    return f"pg_notify('{CHANNEL}', ({rows_sql})::text)"


class Listener:
    """LISTEN on a dedicated connection and ring the doorbell for each notification; reconnect when lost."""

    def __init__(self, url: URL, doorbell: Doorbell):
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.doorbell = doorbell
        doorbell.deafen(True)  # until the first LISTEN
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="inbox-listener", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop listening (within STOP_CHECK seconds) and close the connection."""
        self._stop.set()
        self.thread.join(STOP_CHECK + 5)

    def _run(self) -> None:
        delay = RECONNECT_FIRST
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, **CONNECT) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._hearing()
                    delay = RECONNECT_FIRST
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=STOP_CHECK):
                            self.doorbell.ring(int(note.payload) if note.payload.isdigit() else 1)
            except Exception as error:  # noqa: BLE001  lost, refused, or a bug: poll, and try again
                self._deaf(error)
                self._stop.wait(delay)
                delay = min(delay * 2, RECONNECT_CAP)

    def _hearing(self) -> None:
        log.info("listening for new inbox rows (PostgreSQL channel %s)", CHANNEL)
        self.doorbell.deafen(False)
        self.doorbell.ring()  # whatever was committed while deaf

    def _deaf(self, error: Exception) -> None:
        if not self.doorbell.deaf:
            log.warning("LISTEN connection lost (%s): polling every %g s until it is back", error, DEAF_POLL)
            self.doorbell.deafen(True)
