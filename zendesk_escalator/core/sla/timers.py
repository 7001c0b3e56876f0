"""SLA timers from Zendesk's own clock (pure): the ones a ticket needs; timer_check.py re-checks one at its moment.

Zendesk's `breach_at` is the truth: the service never recomputes it, it only
offsets from it (warn 30 minutes before, act at the breach plus a grace, remind
later). Every timer is keyed by ticket, metric, the breach it is for and its
moment, so a moved breach makes new timers and an old one, when it fires, finds
itself stale and does nothing. Accounts without SLA policies get the service's own
first-reply target instead, counted in business hours when the policy names a
schedule.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..policy import Policy
from ..snapshot import TicketSnapshot
from ..wording import moment, span
from .hours import Schedule, add_business_minutes, calendar_schedule

WARNING, BREACH = "sla_warning", "sla_breach"
OWN_TARGET = "first_reply_target"  # the metric name of the service's own fallback target
NAMES = {
    "first_reply_time": "first reply time",
    "next_reply_time": "next reply time",
    "periodic_update_time": "periodic update time",
    "pausable_update_time": "pausable update time",
    "requester_wait_time": "requester wait time",
    "agent_work_time": "agent work time",
    OWN_TARGET: "first reply target",
}
DONE_STATUSES = frozenset({"solved", "closed", "deleted"})
# Policy metrics and the metric-event names their targets come under (Zendesk's own mapping).
EVENT_METRIC = {"first_reply_time": "reply_time", "next_reply_time": "reply_time"}
ACCOUNT_SCHEDULE = "zendesk"  # a schedule name meaning: the account's default Zendesk schedule


@dataclass(frozen=True)
class Timer:
    """A moment to act on one metric of one ticket."""

    kind: str  # sla_warning | sla_breach
    ticket_id: int
    metric: str
    breach_at: datetime  # the breach this timer is for
    fire_at: datetime  # when to act
    stage: str  # what the note says it is: "30 min before", "75 % of the target", "at the breach"
    round: int = 0  # breach timers: 0 at the breach, n for the reminder n periods after it

    @property
    def key(self) -> str:
        """Its dedupe key: a moved breach or moment is a new timer."""
        return f"timer:{self.kind}:{self.ticket_id}:{self.metric}:{_epoch(self.breach_at)}:{_epoch(self.fire_at)}"

    def to_payload(self) -> dict[str, Any]:
        """JSON-ready form for the inbox row."""
        return {
            "kind": self.kind,
            "ticket_id": self.ticket_id,
            "metric": self.metric,
            "breach_at": _epoch(self.breach_at),
            "fire_at": _epoch(self.fire_at),
            "stage": self.stage,
            "round": self.round,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> "Timer":
        """Rebuild from `to_payload` output."""
        return cls(
            data["kind"],
            data["ticket_id"],
            data["metric"],
            moment(data["breach_at"]),
            moment(data["fire_at"]),
            data["stage"],
            data.get("round", 0),
        )


def timers_for(ticket: TicketSnapshot, policy: Policy, now: datetime, account: Schedule | None = None) -> list[Timer]:
    """The timers this ticket needs (moments already past fire at once); none when it needs none.

    `account` is the account's default Zendesk schedule, when it has been read: the
    business hours of targets counted in them, unless the policy names another.
    """
    return [
        timer
        for metric, breach_at in breach_moments(ticket, policy, account).items()
        for timer in _metric_timers(ticket, metric, breach_at, policy, now, _target(ticket, metric, policy, account))
    ]


def breach_moments(ticket: TicketSnapshot, policy: Policy, account: Schedule | None = None) -> dict[str, datetime]:
    """The breach moment of each metric the service watches on this ticket, past ones included (the dashboard
    shows them; the timers act on them): Zendesk's active metrics, else the service's own first-reply target."""
    sla = policy.sla
    if not sla.enabled or ticket.status in DONE_STATUSES:
        return {}
    breaches = {
        m.name: m.breach_at
        for m in ticket.sla_metrics
        if m.stage == "active" and m.breach_at and (not sla.metrics or m.name in sla.metrics)
    }
    if not ticket.sla_metrics and (own := own_target(ticket, policy, account)):
        breaches[OWN_TARGET] = own
    return breaches


def awaits_account_schedule(ticket: TicketSnapshot, policy: Policy, now: datetime) -> bool:
    """Whether this ticket needs a timer that counts in the account's Zendesk schedule (while it is not known).

    Any schedule standing in for it plans more timers than none: a fallback target, or a stage of a
    target in business hours.
    """
    return len(timers_for(ticket, policy, now, calendar_schedule())) > len(timers_for(ticket, policy, now))


def own_target(ticket: TicketSnapshot, policy: Policy, account: Schedule | None = None) -> datetime | None:
    """The service's own first-reply deadline, while no agent has replied publicly."""
    target = next((t for t in policy.sla.fallback if t.when.evidence(ticket) is not None), None)
    if target is None or ticket.created_at is None or ticket.agent_replies != 0:
        return None
    schedule = schedule_named(target.schedule, policy, account) if target.schedule else calendar_schedule()
    if schedule is None:
        return None  # the account's schedule is not read yet: the next read plans it
    return add_business_minutes(schedule, ticket.created_at, target.first_reply / timedelta(minutes=1))


def schedule_named(name: str | None, policy: Policy, account: Schedule | None) -> Schedule | None:
    """A schedule of the policy, or the account's Zendesk one (None while it is not known)."""
    return account if name in (None, ACCOUNT_SCHEDULE) else policy.schedules.get(name)


def _metric_timers(
    ticket: TicketSnapshot,
    metric: str,
    breach_at: datetime,
    policy: Policy,
    now: datetime,
    target: tuple[float, Schedule] | None,
) -> list[Timer]:
    def make(kind: str, at: datetime, stage: str, n: int = 0) -> Timer:
        return Timer(kind, ticket.id, metric, breach_at, at, stage, n)

    sla = policy.sla
    timers: list[Timer] = []
    if breach_at > now:  # warnings make sense only before the breach
        if before := _warn_before(ticket, metric, policy):
            timers.append(make(WARNING, breach_at - before, f"{span(before)} before"))
        if target:
            minutes, schedule = target
            timers += [
                make(
                    WARNING,
                    add_business_minutes(schedule, breach_at, -(100 - pct) / 100 * minutes),
                    f"{pct} % of the target",
                )
                for pct in sla.stages
            ]
    breach = breach_at + sla.grace
    timers.append(make(BREACH, breach, "at the breach" if not sla.grace else f"{span(sla.grace)} after the breach"))
    if sla.repeat_every and breach <= now:
        # The next reminder still to come (one missed while nobody watched is not sent late); at its
        # moment it acts only below max_level (stale_because reads the episode).
        n = int((now - breach) / sla.repeat_every) + 1
        at = breach + n * sla.repeat_every
        timers.append(make(BREACH, at, f"{span(at - breach_at)} after the breach", n))
    return timers


def _warn_before(ticket: TicketSnapshot, metric: str, policy: Policy) -> timedelta | None:
    for rule in policy.sla.warn:
        if (rule.metric in (None, metric)) and rule.when.evidence(ticket) is not None:
            return rule.before
    return policy.sla.warn_before


def _target(
    ticket: TicketSnapshot, metric: str, policy: Policy, account: Schedule | None
) -> tuple[float, Schedule] | None:
    """The target applied to the metric, in the schedule it counts in; None when not known."""
    if not policy.sla.stages:
        return None
    event_metric = EVENT_METRIC.get(metric, metric)
    target = next((t for t in ticket.sla_targets if t.metric == event_metric), None)
    if target is None:
        return None
    schedule = schedule_named(policy.sla.schedule, policy, account) if target.business_hours else calendar_schedule()
    return (target.minutes, schedule) if schedule else None


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())
