"""The status of every escalation over a period (pure): episodes and SLA timers → a Report.

What the service's store holds is all it counts: the escalation episodes (opened,
closed, their timeline) and the SLA timer rows with how each ended.

Breaches avoided. A *warned breach* is an SLA breach moment (ticket, metric,
breach time) the service warned of: a warning timer for it acted. The breach
timer planned for that same moment (round 0) then decides it:
- it acted (escalated, or planned in a dry run): **breached after a warning**;
- it ended without acting (when it came to act the metric was achieved or
  paused, the ticket solved, or the breach had moved; or it was superseded when
  the ticket was read again): **breach avoided**;
- it is still waiting, failed, or is not in the store: **at risk** (never
  counted as avoided without the timer's own word).
A breach that Zendesk moved (the policy or the priority changed) is a new
moment: the old one counts as avoided, the new one on its own.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from ..lifecycle.episode import ACTIVE, CLOSED, MONITORING, Episode
from ..policy import Policy
from ..sla.timers import BREACH, WARNING
from ..sla.zone_names import iana_zone

ACTED, WAITING, ENDED, FAILED = "acted", "waiting", "ended", "failed"  # how an SLA timer stands in the store
RE_ESCALATED = frozenset({"re-escalated", "reopened"})  # the causes of a return to active after monitoring
LONGEST = 5  # open escalations listed by age


@dataclass(frozen=True)
class SlaTimer:
    """An SLA timer as the store keeps it, and how it stands."""

    kind: str  # sla_warning | sla_breach
    ticket_id: int
    metric: str
    breach_at: datetime
    round: int
    state: str  # acted | waiting | ended | failed
    at: datetime  # when it acted or ended (when waiting: its row's last change)


@dataclass(frozen=True)
class Durations:
    """How long, over some escalations."""

    count: int = 0
    median: timedelta | None = None
    longest: timedelta | None = None

    @classmethod
    def of(cls, spans: list[timedelta]) -> "Durations":
        """Count, median and longest of these spans."""
        # statistics.median takes timedeltas too (it sorts, halves the sum of the middle two); typeshed: numbers.
        return cls(len(spans), median(spans), max(spans)) if spans else cls()  # type: ignore[type-var]


@dataclass(frozen=True)
class Tally:
    """Open escalations under one key (a level, an owner)."""

    key: str  # "2", "900000000031", "none"
    label: str  # "level 2 (support manager)", "Dana Lee", "no owner"
    active: int
    monitoring: int


@dataclass(frozen=True)
class OpenEscalation:
    """One of the longest-open escalations."""

    ticket_id: int
    state: str
    level: int
    reason: str
    owner: str
    opened_at: datetime
    age: timedelta


@dataclass(frozen=True)
class SlaSummary:
    """The SLA timers' work in the period, and the warned breaches it decided."""

    warnings: int = 0  # warning timers that acted in the period
    breaches: int = 0  # breach timers (at the breach) that acted in the period
    reminders: int = 0  # still breached later: a level up
    avoided: int = 0  # warned breach moments in the period that did not breach
    breached_after_warning: int = 0
    at_risk: int = 0  # warned breach moments not decided yet (now)
    avoided_tickets: tuple[int, ...] = ()


@dataclass(frozen=True)
class Report:
    """The status of every escalation: the period's movements, what is open now, the SLA."""

    since: datetime
    until: datetime
    time_zone: str
    opened: int
    opened_by_reason: tuple[tuple[str, int], ...]
    closed: int
    closed_by_cause: tuple[tuple[str, int], ...]
    re_escalated: int
    time_closed: Durations  # opened → closed, of those closed in the period
    time_active_closed: Durations  # the part spent active (until solved), of the same
    open_active: int
    open_monitoring: int
    by_level: tuple[Tally, ...]
    by_owner: tuple[Tally, ...]
    open_age: Durations
    longest_open: tuple[OpenEscalation, ...]
    sla: SlaSummary


def build_report(
    episodes: list[Episode],
    timers: list[SlaTimer],
    since: datetime,
    until: datetime,
    policy: Policy,
    owners: dict[int, str] | None = None,
) -> Report:
    """The report for [since, until): `episodes` must hold every open one and every one changed since `since`."""
    names = owners or {}

    def inside(moment: datetime | None) -> bool:
        return moment is not None and since <= moment < until

    def owner(e: Episode) -> str:
        name = names.get(e.owner_id) if e.owner_id is not None else None
        return name or (f"user {e.owner_id}" if e.owner_id else "no owner")

    opened = [e for e in episodes if inside(e.opened_at)]
    closed = [e for e in episodes if e.state == CLOSED and inside(e.closed_at)]
    still_open = sorted((e for e in episodes if e.state != CLOSED), key=lambda e: e.opened_at)
    return Report(
        since=since,
        until=until,
        time_zone=policy.report.time_zone,
        opened=len(opened),
        opened_by_reason=_counted(e.reason for e in opened),
        closed=len(closed),
        closed_by_cause=_counted(e.history[-1].cause for e in closed if e.history),
        re_escalated=sum(1 for e in episodes for s in e.history if s.cause in RE_ESCALATED and inside(s.at)),
        time_closed=Durations.of([e.closed_at - e.opened_at for e in closed if e.closed_at]),  # all: inside()
        time_active_closed=Durations.of([active_time(e, until) for e in closed]),
        open_active=sum(1 for e in still_open if e.state != MONITORING),
        open_monitoring=sum(1 for e in still_open if e.state == MONITORING),
        by_level=_tallies(still_open, lambda e: (str(e.level), level_label(e.level, policy)), lambda e: e.level),
        by_owner=_tallies(still_open, lambda e: (str(e.owner_id or "none"), owner(e))),
        open_age=Durations.of([until - e.opened_at for e in still_open]),
        longest_open=tuple(
            OpenEscalation(e.ticket_id, e.state, e.level, e.reason, owner(e), e.opened_at, until - e.opened_at)
            for e in still_open[:LONGEST]
        ),
        sla=sla_summary(timers, since, until),
    )


def active_time(episode: Episode, until: datetime) -> timedelta:
    """How long the episode was active (escalated and unsolved), up to its close or `until`."""
    total, started = timedelta(0), None
    for step in episode.history:
        if step.state == ACTIVE and started is None:
            started = step.at
        elif step.state != ACTIVE and started is not None:
            total, started = total + (step.at - started), None
    return total + (until - started if started is not None else timedelta(0))


def sla_summary(timers: list[SlaTimer], since: datetime, until: datetime) -> SlaSummary:
    """The period's SLA warnings and breaches, and how the warned breach moments turned out."""

    def inside(t: SlaTimer) -> bool:
        return t.state == ACTED and since <= t.at < until

    breach_timers = {(t.ticket_id, t.metric, t.breach_at): t for t in timers if t.kind == BREACH and t.round == 0}
    warned = {(t.ticket_id, t.metric, t.breach_at) for t in timers if t.kind == WARNING and t.state == ACTED}
    outcome = {moment: _decided(breach_timers.get(moment)) for moment in warned if moment[2] >= since}
    in_period = {moment: result for moment, result in outcome.items() if moment[2] < until}
    return SlaSummary(
        warnings=sum(1 for t in timers if t.kind == WARNING and inside(t)),
        breaches=sum(1 for t in timers if t.kind == BREACH and t.round == 0 and inside(t)),
        reminders=sum(1 for t in timers if t.kind == BREACH and t.round > 0 and inside(t)),
        avoided=sum(1 for result in in_period.values() if result == "avoided"),
        breached_after_warning=sum(1 for result in in_period.values() if result == "breached"),
        at_risk=sum(1 for result in outcome.values() if result == "at_risk"),
        avoided_tickets=tuple(sorted({m[0] for m, result in in_period.items() if result == "avoided"})),
    )


def level_label(level: int, policy: Policy) -> str:
    """ "level 2 (support manager)", or "level 2" when the level has no name."""
    name = policy.level(level).name
    return f"level {level} ({name})" if name else f"level {level}"


def next_daily(after: datetime, at: time, zone: str) -> datetime:
    """The first moment strictly after `after` whose local time in `zone` is `at`."""
    local = after.astimezone(ZoneInfo(iana_zone(zone)))
    moment = datetime.combine(local.date(), at, tzinfo=local.tzinfo)
    return moment if moment > after else datetime.combine(local.date() + timedelta(days=1), at, tzinfo=local.tzinfo)


def _decided(breach: SlaTimer | None) -> str:
    state = breach.state if breach else None
    outcomes: dict[str | None, str] = {ACTED: "breached", ENDED: "avoided"}
    return outcomes.get(state, "at_risk")


def _counted(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(values).items(), key=lambda item: (-item[1], item[0])))


def _tallies(
    episodes: list[Episode],
    grouping: Callable[[Episode], tuple[str, str]],
    order: Callable[[Episode], int] | None = None,
) -> tuple[Tally, ...]:
    """Open episodes grouped by (key, label): in `order` of their first member, else the largest group first."""
    groups: dict[tuple[str, str], list[Episode]] = {}
    for episode in episodes:
        groups.setdefault(grouping(episode), []).append(episode)
    rank = (lambda item: order(item[1][0])) if order else (lambda item: (-len(item[1]), item[0][1]))
    return tuple(
        Tally(
            key,
            label,
            sum(1 for e in members if e.state != MONITORING),
            sum(1 for e in members if e.state == MONITORING),
        )
        for (key, label), members in sorted(groups.items(), key=rank)
    )
