"""Row kind → handler; a handler answers with an Outcome for its rows (or one per group of them)."""

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Protocol

from ..store.rows import InboxRow
from .ports import JsonObject


@dataclass(frozen=True)
class Outcome:
    """What handling did, stored on the inbox row."""

    status: str  # ignored | screened | no_action | escalated | acknowledged | planned | ticket_gone
    detail: str
    rule: str | None = None
    evidence: tuple[str, ...] = field(default_factory=tuple)
    update: JsonObject | None = None  # the body sent (or, in a dry run, planned)
    comment_mark: int | None = None  # the newest comment examined, remembered for next time
    warnings: tuple[str, ...] = field(default_factory=tuple)
    api_calls: int | None = None  # of the whole batch, when several tickets were handled together
    coalesced: int | None = None
    metric: str | None = None  # an SLA timer's: the metric it acted on
    escalation: tuple[str, int] | None = None  # (reason, level) of an escalation opened or raised (the metrics')

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {k: v for k, v in asdict(self).items() if v not in (None, ())}


# Rows and how they ended: an Outcome, or the error they must be retried (or buried) for.
Handled = tuple[list[InboxRow], "Outcome | Exception"]


class Handler(Protocol):
    def handle(self, rows: list[InboxRow]) -> "Outcome | list[Handled]":
        """Handle claimed rows of one kind: one outcome for all, or one per group."""


class Handlers:
    """The registry the worker dispatches through; counts the API calls each batch cost."""

    def __init__(self, api_calls: Callable[[], int] = lambda: 0):
        self.api_calls = api_calls
        self._by_kind: dict[str, Handler] = {}

    def register(self, kind: str, handler: Handler) -> None:
        """Handle rows of `kind` with `handler`."""
        self._by_kind[kind] = handler

    def handler(self, kind: str) -> Handler:
        """The handler registered for `kind`."""
        return self._by_kind[kind]

    def kinds(self) -> frozenset[str]:
        """The kinds of rows a handler is registered for."""
        return frozenset(self._by_kind)

    def start(self) -> None:
        """Let the handlers that schedule work of their own (periodic jobs) do so."""
        for handler in self._by_kind.values():
            if hasattr(handler, "start"):
                handler.start()

    def handle(self, rows: list[InboxRow]) -> list[Handled]:
        """Dispatch rows (all of one kind) to their handler; each group with how it ended."""
        try:
            handler = self._by_kind[rows[0].kind]
        except KeyError:  # written by a newer release, say: keep it for a worker that knows it
            raise LookupError(f"no handler for rows of kind {rows[0].kind!r}") from None
        before = self.api_calls()
        answer = handler.handle(rows)
        groups = [(rows, answer)] if isinstance(answer, Outcome) else answer
        calls = self.api_calls() - before
        return [
            (group, replace(result, api_calls=calls, coalesced=len(group)) if isinstance(result, Outcome) else result)
            for group, result in groups
        ]
