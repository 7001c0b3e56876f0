"""Zendesk's incremental exports read page by page, within their rate limit, patiently.

The exports allow 10 requests a minute per account, and the service's own change
feed uses the same allowance: a backtest asks at most PER_MINUTE times a minute,
waits as long as Zendesk says (Retry-After) after a 429 or a 503, and shows how far
it has read on stderr once an export takes more than one page. Every wait goes
through the injected sleep, never inside the Zendesk client.
"""

import time
from collections import Counter, deque
from typing import Any, Callable, Iterator, TextIO, cast
from urllib.parse import parse_qs, urlsplit

from ..errors import EscalatorError, TicketNotFound, ZendeskRateLimited, ZendeskUnavailable
from ..zendesk.reader import TicketReader

PER_MINUTE = 5  # of Zendesk's 10: the running service's change feed needs the others
RETRIES = 5  # waits after a 429 or 503 before giving up
DEFAULT_WAIT = 60.0  # seconds, when Zendesk does not say
BAR = 30
READS = {
    "ticket events": "GET /api/v2/incremental/ticket_events.json",
    "metric events": "GET /api/v2/incremental/ticket_metric_events.json",
    "tickets": "GET /api/v2/incremental/tickets/cursor.json",
    "cases": "GET /api/v2/tickets/show_many.json",
}


class Progress:
    """A one-line progress bar on stderr, shown once an export takes more than one page."""

    def __init__(self, stream: TextIO, start: int, end: int):
        self.stream, self.start, self.end, self.shown = stream, start, end, False

    def update(self, label: str, reached: int, pages: int) -> None:
        """Say how far `label` has read (up to the moment `reached`, in epoch seconds)."""
        if pages < 2:
            return
        share = min(1.0, max(0.0, (reached - self.start) / max(1, self.end - self.start)))
        filled = round(share * BAR)
        self.stream.write(f"\r{label:<14} [{'#' * filled}{'.' * (BAR - filled)}] {share:4.0%}  {pages} pages")
        self.stream.flush()
        self.shown = True

    def done(self) -> None:
        """End the line the bar was drawn on."""
        if self.shown:
            self.stream.write("\n")
            self.shown = False


class Exports:
    """Every page of an export, each request paced and, after a 429 or 503, asked again when told."""

    def __init__(
        self,
        reader: TicketReader,
        progress: Progress,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        per_minute: int = PER_MINUTE,
    ):
        self.reader, self.progress, self.sleep, self.clock = reader, progress, sleep, clock
        self.per_minute, self.sent = per_minute, deque[float]()
        self.pages: Counter[str] = Counter()
        self.waited = 0.0  # seconds spent waiting for the rate limit (pacing and Retry-After)

    def time_based(
        self, label: str, fetch: Callable[[int], dict[str, Any]], key: str, start: int
    ) -> Iterator[dict[str, Any]]:
        """The items of a time-based export from `start`, following end_time to the end of the stream."""
        while True:
            page = self.call(label, lambda: fetch(start))
            yield from page.get(key) or ()
            following = page.get("end_time") or _start_time(page.get("next_page"))
            # The last page; or an export that would not move on (it would repeat this page forever).
            last = page.get("end_of_stream", True) or not isinstance(following, int) or following <= start
            # Not the last page: `following` is an int past `start` (as `last` says).
            reached = self.progress.end if last else cast(int, following)
            self.progress.update(label, reached, self.pages[label])
            if last:
                break
            start = reached
        self.progress.done()

    def tickets(self, start: int) -> Iterator[dict[str, Any]]:
        """Every ticket changed since `start` (the cursor-based ticket export), as it is today."""
        cursor = None
        while True:
            page = self.call("tickets", lambda: self.reader.changed_tickets(cursor, start, include=None))
            tickets = [t for t in page.get("tickets") or () if isinstance(t, dict)]
            yield from tickets
            cursor = page.get("after_cursor")
            last = page.get("end_of_stream", True) or not cursor or not tickets
            reached = self.progress.end if last else tickets[-1].get("generated_timestamp")
            self.progress.update("tickets", reached if isinstance(reached, int) else start, self.pages["tickets"])
            if last:
                break
        self.progress.done()

    def call(self, label: str, request: Callable[[], dict[str, Any]], paced: bool = True) -> dict[str, Any]:
        """One request, paced if an export; after a 429 or 503 wait as told (a minute if not) and ask again."""
        failures = 0
        while True:
            if paced:  # only the exports share the 10-a-minute limit
                self._pace()
            try:
                page = request()
            except TicketNotFound as error:  # a 404 of a list: the account (or URL) does not serve this read
                raise EscalatorError(
                    f"Zendesk has no {label} export here ({READS.get(label, label)}): {error}. Check that "
                    "ZENDESK_API_URL (or ZENDESK_SUBDOMAIN) names the account, and that its plan offers the "
                    "incremental exports; then run the backtest again."
                ) from None
            except (ZendeskRateLimited, ZendeskUnavailable) as error:
                failures += 1
                if failures > RETRIES:
                    raise
                self._wait(error.retry_after if error.retry_after is not None else DEFAULT_WAIT)
                continue
            self.pages[label] += 1
            return page

    def _pace(self) -> None:
        """At most per_minute requests in any sixty seconds."""
        now = self.clock()
        while self.sent and self.sent[0] <= now - 60:
            self.sent.popleft()
        if len(self.sent) >= self.per_minute:
            self._wait(self.sent[0] + 60 - now)
        self.sent.append(self.clock())

    def _wait(self, seconds: float) -> None:
        self.waited += seconds
        self.sleep(seconds)


def _start_time(url: str | None) -> int | None:
    """The start_time of a time-based export's next_page address."""
    values = parse_qs(urlsplit(url).query).get("start_time") if url else None
    return int(values[0]) if values and values[0].isdigit() else None
