"""Episodes, SLA timers and timer rows' payloads for the report's tests: hours before the period's end."""

from datetime import datetime, timedelta, timezone

from conftest import SAMPLES

from zendesk_escalator.core.lifecycle.episode import CLOSED, Episode, Step
from zendesk_escalator.core.reporting.report import SlaTimer
from zendesk_escalator.schemas.policy_file import load_policy

UNTIL = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
SINCE = UNTIL - timedelta(hours=24)
POLICY = load_policy(SAMPLES / "policy.toml")
BREACH = UNTIL - timedelta(hours=3)


def ago(hours: float) -> datetime:
    return UNTIL - timedelta(hours=hours)


def episode(
    ticket: int,
    steps: list[tuple[float, str, str]],
    level: int = 1,
    reason: str = "customer_cc",
    owner: int | None = None,
) -> Episode:
    """An episode from its steps: (hours ago, state, cause)."""
    history = tuple(Step(ago(h), state, level, cause) for h, state, cause in steps)
    closed = history[-1].at if history[-1].state == CLOSED else None
    return Episode(
        ticket,
        history[-1].state,
        history[0].at,
        level,
        reason,
        reason,
        owner_id=owner,
        history=history,
        closed_at=closed,
        id=ticket,
    )


def timer(
    kind: str,
    ticket: int,
    breach_hours_ago: float,
    state: str,
    at_hours_ago: float,
    n: int = 0,
    metric: str = "first_reply_time",
) -> SlaTimer:
    """An SLA timer for a breach so many hours ago, that acted (or ended ...) so many hours ago."""
    return SlaTimer(kind, ticket, metric, ago(breach_hours_ago), n, state, ago(at_hours_ago))


def timer_payload(kind: str = "sla_warning", breach: datetime = BREACH, n: int = 0) -> dict:
    """An SLA timer row's payload as the worker stores it: ticket 7's first reply, fired at the breach time."""
    return {
        "kind": kind,
        "ticket_id": 7,
        "metric": "first_reply_time",
        "breach_at": int(breach.timestamp()),
        "fire_at": int(breach.timestamp()),
        "stage": "30 min before",
        "round": n,
    }
