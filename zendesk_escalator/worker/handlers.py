"""Row kind → handler; every handler answers with an Outcome, stored on its rows."""

from dataclasses import asdict, dataclass, field, replace
from typing import Callable, Protocol


@dataclass(frozen=True)
class Outcome:
    """What handling did, stored on the inbox row."""

    status: str  # ignored | screened | no_action | escalated | acknowledged | planned | ticket_gone
    detail: str
    rule: str | None = None
    evidence: tuple[str, ...] = field(default_factory=tuple)
    update: dict | None = None  # the body sent (or, in a dry run, planned)
    comment_mark: int | None = None  # the newest comment examined, remembered for next time
    warnings: tuple[str, ...] = field(default_factory=tuple)
    api_calls: int | None = None
    coalesced: int | None = None

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {k: v for k, v in asdict(self).items() if v not in (None, ())}


class Handler(Protocol):
    def handle(self, rows: list) -> Outcome:
        """Handle claimed rows of one kind and one ticket."""


class Handlers:
    """The registry the worker dispatches through; counts the API calls each batch cost."""

    def __init__(self, api_calls: Callable[[], int] = lambda: 0):
        self.api_calls = api_calls
        self._by_kind: dict[str, Handler] = {}

    def register(self, kind: str, handler: Handler) -> None:
        """Handle rows of `kind` with `handler`."""
        self._by_kind[kind] = handler

    def handle(self, rows: list) -> Outcome:
        """Dispatch rows (all of one kind) to their handler."""
        try:
            handler = self._by_kind[rows[0].kind]
        except KeyError:  # written by a newer release, say: keep it for a worker that knows it
            raise LookupError(f"no handler for rows of kind {rows[0].kind!r}") from None
        before = self.api_calls()
        outcome = handler.handle(rows)
        return replace(outcome, api_calls=self.api_calls() - before, coalesced=len(rows))
