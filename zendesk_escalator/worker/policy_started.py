"""Which policy file the service's workers started with: its fingerprint in the database, so that `escalator
check` can say when the file was edited since (the processes read it once, at start)."""

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from ..store.cursors import Cursors
from ..store.inbox import Inbox

KEY = "policy:started"


def fingerprint(path: str) -> str | None:
    """The file's SHA-256; None when it cannot be read (a policy given otherwise, as in tests)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def mark_started(inbox: Inbox, path: str, now: datetime) -> None:
    """Remember the policy file a starting process read (the last to start speaks for all)."""
    printed = fingerprint(path)
    if printed:
        Cursors(inbox.database).set(KEY, json.dumps({"sha256": printed, "at": now.timestamp()}), now.timestamp())


def edited_since_start(inbox: Inbox, path: str) -> datetime | None:
    """When the service started, if the file at `path` is not the one it started with; else None."""
    stored = Cursors(inbox.database).get(KEY)
    printed = fingerprint(path)
    if not stored or not printed:
        return None
    started = json.loads(stored)
    return None if started["sha256"] == printed else datetime.fromtimestamp(started["at"], tz=timezone.utc)
