"""How the notes write durations, moments and the customer's own words (pure)."""

import unicodedata
from datetime import datetime, timedelta, timezone


def span(delta: timedelta) -> str:
    """A duration as a person reads it: "2 d 3 h 5 min", "45 min", "0 min"."""
    minutes = max(0, round(delta.total_seconds() / 60))
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    return " ".join(p for p in parts if p) or "0 min"


def moment(epoch: float) -> datetime:
    """A stored moment (seconds since the epoch, as rows and timers keep them) as an aware UTC datetime."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def utc(moment: datetime | None) -> str:
    """A moment in UTC to the minute ("—" when there is none)."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def shortened(text: str, limit: int = 1000) -> str:
    """Text for a note, cut at `limit` characters (with " …" when cut)."""
    text = text.strip()
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def customer_lines(text: str) -> str:
    """Customer text as lines a note can quote: every line break Python knows made a newline, and the
    characters that do not show (controls, bidi overrides, zero-width ones) left out.

    A note that prefixes each of these lines with "> " leaves no customer line looking like its own.
    """
    return "\n".join(_visible(line) for line in text.splitlines())


def one_line(text: str) -> str:
    """Customer text on one line, its runs of white space (line breaks included) one space each."""
    return " ".join(word for word in map(_visible, text.split()) if word)


def _visible(text: str) -> str:
    return "".join(c for c in text if c == "\t" or unicodedata.category(c) not in ("Cc", "Cf"))
