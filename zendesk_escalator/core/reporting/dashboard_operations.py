"""What the dashboard shows of the service's own work (pure): dead letters, recent decisions, inbox health."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..kinds import row_ticket
from ..wording import moment, span, utc
from .dashboard_facts import Dead, Decided, InboxHealth

BEHIND = 60.0  # seconds the oldest due row may wait before the workers count as behind


ERROR_WIDTH = 160  # a dead letter's error as listed; `escalator dead-letters show ID` has all of it


@dataclass(frozen=True)
class DecisionRow:
    """One recent decision with its evidence."""

    ticket_id: int
    kind: str
    at: str
    ago: str
    outcome: str
    rule: str
    detail: str
    evidence: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class DeadRow:
    """One dead letter, with the command that queues it again."""

    id: int
    ticket_id: int
    kind: str
    error: str
    since: str
    command: str


@dataclass(frozen=True)
class HealthView:
    """The inbox at a glance."""

    pending: int
    retrying: int
    running: int
    dead: int
    done: int
    oldest_due: str
    tone: str  # ok | behind


def dead_row(dead: Dead) -> DeadRow:
    """A dead letter as listed: its error's start, and the command to queue it again."""
    error = " ".join(dead.error.split())
    error = error if len(error) <= ERROR_WIDTH else error[: ERROR_WIDTH - 1] + "…"
    return DeadRow(
        dead.id,
        row_ticket(dead.kind, dead.ticket_id),
        dead.kind,
        error,
        utc(moment(dead.at)),
        f"escalator dead-letters retry {dead.id}",
    )


def decision_row(decided: Decided, now: datetime) -> DecisionRow:
    """One finished row's decision, with its evidence."""
    result, at = decided.result, moment(decided.at)
    return DecisionRow(
        row_ticket(decided.kind, decided.ticket_id),
        decided.kind,
        utc(at),
        f"{span(now - at)} ago",
        result.get("status", "?"),
        result.get("rule", "?"),
        result.get("detail", ""),
        tuple(result.get("evidence", ())),
        tuple(result.get("warnings", ())),
    )


def health_view(health: InboxHealth, now: datetime) -> HealthView:
    """The inbox counts, and how long the oldest due row has waited."""
    counts = health.counts
    waited = 0.0 if health.oldest_due is None else max(0.0, now.timestamp() - health.oldest_due)
    if health.oldest_due is None:
        oldest = "none due"
    else:
        oldest = f"{waited:.0f} s" if waited < 60 else span(timedelta(seconds=waited))
    return HealthView(
        counts.get("pending", 0),
        health.retrying,
        counts.get("running", 0),
        counts.get("dead", 0),
        counts.get("done", 0),
        oldest,
        "behind" if waited > BEHIND else "ok",
    )
