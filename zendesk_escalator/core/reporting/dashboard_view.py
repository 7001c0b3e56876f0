"""What the dashboard shows of each open escalation (pure): its ticket and people by name, SLA countdown, plan; filters.

The chart is dashboard_chart.py; dead letters, recent decisions and inbox health are dashboard_operations.py.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..kinds import LIFECYCLE, TIMER
from ..lifecycle.episode import Episode
from ..sla.timers import NAMES
from ..wording import moment, span, utc
from .dashboard_chart import Chart, chart
from .dashboard_facts import Known, Moment, Stored
from .dashboard_operations import DeadRow, DecisionRow, HealthView, dead_row, decision_row, health_view

SOON = timedelta(hours=1)  # an SLA breach closer than this is shown as urgent
NEXT_STEPS = {"update_due": "customer update due", "monitoring_end": "monitoring ends"}


@dataclass(frozen=True)
class Filters:
    """Which open escalations to show (None: any)."""

    state: str | None = None
    level: int | None = None
    owner: int | None = None
    organization: int | None = None

    def keep(self, row: "ActiveRow") -> bool:
        """Whether the row passes every filter set."""
        return all(
            wanted is None or wanted == found
            for wanted, found in (
                (self.state, row.state),
                (self.level, row.level_number),
                (self.owner, row.owner_id),
                (self.organization, row.organization_id),
            )
        )


@dataclass(frozen=True)
class Countdown:
    """Time left until an SLA breach (or since it): the text, a tone for its colour, what it is about, the moment."""

    text: str
    tone: str  # late | soon | ok
    about: str
    at: float  # the breach moment (epoch seconds), for the page's script to count down


@dataclass(frozen=True)
class ActiveRow:
    """One open escalation."""

    ticket_id: int
    subject: str
    organization: str
    organization_id: int | None
    requester: str
    state: str
    level: str
    level_number: int
    reason: str
    rule: str
    owner: str
    owner_id: int | None
    leads: str
    age: str
    opened: str
    sla: Countdown | None
    next_step: str
    last_reply: str


@dataclass(frozen=True)
class Choices:
    """The values each filter offers: those of the open escalations, with their names."""

    states: tuple[str, ...]
    levels: tuple[tuple[int, str], ...]
    owners: tuple[tuple[int, str], ...]
    organizations: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Dashboard:
    """Everything the template shows."""

    generated: str
    active: tuple[ActiveRow, ...]
    open_count: int  # before the filters
    choices: Choices
    filters: Filters
    dead: tuple[DeadRow, ...]
    decisions: tuple[DecisionRow, ...]
    health: HealthView
    chart: Chart
    known: Known


def build(
    stored: Stored,
    now: datetime,
    levels: dict[int, tuple[str | None, tuple[int, ...]]] | None = None,
    known: Known | None = None,
    filters: Filters | None = None,
) -> Dashboard:
    """The dashboard at `now`; `levels` gives each level's name and leads (its followers in the policy)."""
    known, filters, levels = known or Known(), filters or Filters(), levels or {}
    by_ticket: dict[int, list[Moment]] = {}
    for entry in stored.moments:
        by_ticket.setdefault(entry.ticket_id, []).append(entry)
    rows = [active_row(e, by_ticket.get(e.ticket_id, []), now, levels, known) for e in stored.episodes]
    return Dashboard(
        utc(now),
        tuple(row for row in rows if filters.keep(row)),
        len(rows),
        choices(rows),
        filters,
        tuple(dead_row(d) for d in stored.dead),
        tuple(decision_row(d, now) for d in stored.decisions),
        health_view(stored.health, now),
        chart(stored.opened, now),
        known,
    )


def active_row(
    episode: Episode,
    moments: list[Moment],
    now: datetime,
    levels: dict[int, tuple[str | None, tuple[int, ...]]],
    known: Known,
) -> ActiveRow:
    """One open escalation: names as Zendesk has them, its age, SLA countdown and next lifecycle step."""
    name, leads = levels.get(episode.level, (None, ()))
    facts = known.tickets.get(episode.ticket_id)
    if facts is None:  # Zendesk was not read: the pending SLA timers are all that is known of the clock
        sla = countdown({t["metric"]: moment(t["breach_at"]) for t in _payloads(moments, TIMER)}, now)
        subject = organization = requester = last_reply = ""
    else:
        sla, subject = countdown(facts.breaches, now), facts.subject
        named = known.organizations.get(facts.organization_id) if facts.organization_id is not None else None
        organization = named or (f"organization {facts.organization_id}" if facts.organization_id else "")
        requester = _person(known, facts.requester_id) if facts.requester_id else ""
        last_reply = (
            (f"{span(now - facts.last_reply)} ago" if facts.last_reply else "none yet") if facts.replies_read else ""
        )
    return ActiveRow(
        episode.ticket_id,
        subject,
        organization,
        facts.organization_id if facts else None,
        requester,
        episode.state,
        f"{episode.level} ({name})" if name else str(episode.level),
        episode.level,
        episode.reason,
        episode.rule,
        _person(known, episode.owner_id) if episode.owner_id else "—",
        episode.owner_id,
        ", ".join(_person(known, lead) for lead in leads) or "—",
        span(now - episode.opened_at),
        utc(episode.opened_at),
        sla,
        next_step(_payloads(moments, LIFECYCLE), now),
        last_reply or "—",
    )


def countdown(breaches: dict[str, datetime], now: datetime) -> Countdown | None:
    """The nearest breach among the ticket's SLA metrics, past or to come (None when none is measured)."""
    if not breaches:
        return None
    metric, breach = min(breaches.items(), key=lambda item: item[1])
    about = f"{NAMES.get(metric, metric)}, breach at {utc(breach)}"
    if breach <= now:
        return Countdown(f"breached {span(now - breach)} ago", "late", about, breach.timestamp())
    return Countdown(f"{span(breach - now)} left", "soon" if breach - now <= SOON else "ok", about, breach.timestamp())


def next_step(timers: list[dict[str, Any]], now: datetime) -> str:
    """The ticket's next lifecycle moment: "customer update due in 40 min" ("—" when none)."""
    if not timers:
        return "—"
    nearest = min(timers, key=lambda timer: timer["at"])
    what, at = NEXT_STEPS.get(nearest["kind"], nearest["kind"]), moment(nearest["at"])
    return f"{what} in {span(at - now)}" if at > now else f"{what}, {span(now - at)} overdue"


def choices(rows: list[ActiveRow]) -> Choices:
    """The filters' values, from the open escalations (sorted by what is shown)."""
    levels = {row.level_number: row.level for row in rows}
    owners = {row.owner_id: row.owner for row in rows if row.owner_id}
    organizations = {row.organization_id: row.organization for row in rows if row.organization_id}
    return Choices(
        tuple(sorted({row.state for row in rows})),
        tuple(sorted(levels.items())),
        tuple(sorted(owners.items(), key=lambda item: item[1])),
        tuple(sorted(organizations.items(), key=lambda item: item[1])),
    )


def _person(known: Known, user_id: int) -> str:
    """A user's name as Zendesk has it, else "user N"."""
    return known.users.get(user_id) or f"user {user_id}"


def _payloads(moments: list[Moment], kind: str) -> list[dict[str, Any]]:
    return [entry.payload for entry in moments if entry.kind == kind]
