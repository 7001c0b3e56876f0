"""The policy's [sla] section (pure): when to warn before a breach, act at it and after, and the own targets."""

from dataclasses import dataclass, field
from datetime import timedelta

from .conditions import When


@dataclass(frozen=True)
class WarnRule:
    """How long before a breach to warn, for the tickets (and metric) it names."""

    before: timedelta
    when: When = field(default_factory=When)
    metric: str | None = None


@dataclass(frozen=True)
class FallbackTarget:
    """The service's own first-reply target, for accounts without Zendesk SLA policies."""

    first_reply: timedelta
    when: When = field(default_factory=When)
    schedule: str | None = None  # a [schedules.<name>] of the policy, or "zendesk"; None: calendar time


@dataclass(frozen=True)
class SlaPolicy:
    """Acting on Zendesk's own SLA clock: warn before a breach, escalate at it, and again later."""

    enabled: bool = False
    metrics: frozenset[str] = frozenset()  # the Zendesk metrics to act on; empty: all of them
    warn_before: timedelta | None = timedelta(minutes=30)
    warn: tuple[WarnRule, ...] = ()  # first match wins over warn_before
    stages: tuple[int, ...] = ()  # also warn at these percentages of the target
    schedule: str = "zendesk"  # what business-hours targets count in: the account's schedule, or a policy one
    warning_level: int = 1
    breach_level: int = 2
    breach_priority: str | None = None
    grace: timedelta = timedelta(0)
    repeat_every: timedelta | None = timedelta(hours=1)  # still breached: next level, every ...
    max_level: int = 3
    time_zone: str = "UTC"  # for the notes (UTC is always shown too)
    fallback: tuple[FallbackTarget, ...] = ()
