"""The dashboard's moment and moments relative to it."""

from datetime import datetime, timedelta, timezone

NOW = datetime(2026, 11, 23, 12, 10, tzinfo=timezone.utc)


def at(**delta) -> float:
    return (NOW + timedelta(**delta)).timestamp()
