"""What the metrics and the worker's log line read of a handled batch's outcome (the worker's Outcome is one)."""

from typing import Protocol


class Decision(Protocol):
    """The outcome of one handled batch, as observability sees it (read-only: the worker's Outcome is frozen)."""

    @property
    def status(self) -> str: ...

    @property
    def rule(self) -> str | None: ...

    @property
    def api_calls(self) -> int | None: ...

    @property
    def coalesced(self) -> int | None: ...

    @property
    def metric(self) -> str | None: ...

    @property
    def escalation(self) -> tuple[str, int] | None: ...
