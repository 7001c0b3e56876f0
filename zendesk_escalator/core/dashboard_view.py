"""What the dashboard shows (pure): open escalations with age and SLA countdown, recent decisions,
inbox health, and the escalations opened per day by reason as bar geometry for an SVG chart.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .lifecycle import Episode
from .sla import NAMES
from .text import span, utc

DAYS = 14  # the chart's window, today included
SOON = timedelta(hours=1)  # an SLA breach closer than this is shown as urgent
BEHIND = 60.0  # seconds the oldest due row may wait before the workers count as behind
PALETTE = ("#2563eb", "#dc2626", "#d97706", "#059669", "#7c3aed", "#db2777", "#0891b2", "#65a30d")
NEXT_STEPS = {"update_due": "customer update due", "monitoring_end": "monitoring ends"}
# Chart geometry, in SVG user units.
SLOT, BAR, PLOT_HEIGHT, LEFT, TOP, BOTTOM = 44, 30, 140, 32, 12, 34


@dataclass(frozen=True)
class Moment:
    """A pending timer row of a ticket: kind "timer" (SLA) or "lifecycle", with its payload."""

    ticket_id: int
    kind: str
    payload: dict


@dataclass(frozen=True)
class Decided:
    """A finished row whose outcome names a rule: when it finished (epoch seconds) and its stored result."""

    ticket_id: int
    kind: str
    at: float
    result: dict


@dataclass(frozen=True)
class InboxHealth:
    """Rows by status, the pending ones that failed before, and since when the oldest due row waits."""

    counts: dict[str, int]
    retrying: int
    oldest_due: float | None


@dataclass(frozen=True)
class Countdown:
    """Time left until an SLA breach (or since it): the text, a tone for its colour, what it is about."""

    text: str
    tone: str  # late | soon | ok
    about: str


@dataclass(frozen=True)
class ActiveRow:
    """One open escalation."""

    ticket_id: int
    state: str
    level: str
    reason: str
    rule: str
    owner: str
    age: str
    opened: str
    sla: Countdown | None
    next_step: str


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
class HealthView:
    """The inbox at a glance."""

    pending: int
    retrying: int
    running: int
    dead: int
    done: int
    oldest_due: str
    tone: str  # ok | behind


@dataclass(frozen=True)
class Bar:
    """One reason's part of one day's bar."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Chart:
    """Escalations opened per day by reason, as SVG geometry."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    days: tuple[tuple[float, str], ...]  # (x of the label's middle, "11-23")
    top: int  # the busiest day's count: the y axis runs 0..top
    legend: tuple[tuple[str, str, int], ...]  # (reason, colour, total)
    total: int
    left: int = LEFT  # where the plot starts (the y labels end just before)
    plot_top: int = TOP  # the y of `top`
    baseline: int = TOP + PLOT_HEIGHT  # the y of 0


@dataclass(frozen=True)
class Dashboard:
    """Everything the template shows."""

    generated: str
    active: tuple[ActiveRow, ...]
    decisions: tuple[DecisionRow, ...]
    health: HealthView
    chart: Chart


def build(episodes: list[Episode], moments: list[Moment], decisions: list[Decided], health: InboxHealth,
          opened: list[tuple[float, str]], now: datetime, level_names: dict[int, str] | None = None) -> Dashboard:
    """The dashboard at `now` from the store's open episodes, pending timers, decisions, inbox and openings."""
    by_ticket: dict[int, list[Moment]] = {}
    for moment in moments:
        by_ticket.setdefault(moment.ticket_id, []).append(moment)
    names = level_names or {}
    return Dashboard(utc(now), tuple(active_row(e, by_ticket.get(e.ticket_id, []), now, names) for e in episodes),
                     tuple(decision_row(d, now) for d in decisions), health_view(health, now), chart(opened, now))


def active_row(episode: Episode, moments: list[Moment], now: datetime, level_names: dict[int, str]) -> ActiveRow:
    """One open escalation: its age, its SLA countdown and its next lifecycle step."""
    name = level_names.get(episode.level)
    return ActiveRow(episode.ticket_id, episode.state, f"{episode.level} ({name})" if name else str(episode.level),
                     episode.reason, episode.rule, f"user {episode.owner_id}" if episode.owner_id else "—",
                     span(now - episode.opened_at), utc(episode.opened_at),
                     countdown([m.payload for m in moments if m.kind == "timer"], now),
                     next_step([m.payload for m in moments if m.kind == "lifecycle"], now))


def countdown(timers: list[dict], now: datetime) -> Countdown | None:
    """The nearest breach among a ticket's pending SLA timers (None when it has none)."""
    if not timers:
        return None
    nearest = min(timers, key=lambda timer: timer["breach_at"])
    breach = _moment(nearest["breach_at"])
    about = f"{NAMES.get(nearest['metric'], nearest['metric'])}, breach at {utc(breach)}"
    if breach <= now:
        return Countdown(f"breached {span(now - breach)} ago", "late", about)
    return Countdown(f"{span(breach - now)} left", "soon" if breach - now <= SOON else "ok", about)


def next_step(timers: list[dict], now: datetime) -> str:
    """The ticket's next lifecycle moment: "customer update due in 40 min" ("—" when none)."""
    if not timers:
        return "—"
    nearest = min(timers, key=lambda timer: timer["at"])
    what, at = NEXT_STEPS.get(nearest["kind"], nearest["kind"]), _moment(nearest["at"])
    return f"{what} in {span(at - now)}" if at > now else f"{what}, {span(now - at)} overdue"


def decision_row(decided: Decided, now: datetime) -> DecisionRow:
    """One finished row's decision, with its evidence."""
    result, at = decided.result, _moment(decided.at)
    return DecisionRow(decided.ticket_id, decided.kind, utc(at), f"{span(now - at)} ago", result.get("status", "?"),
                       result.get("rule", "?"), result.get("detail", ""), tuple(result.get("evidence", ())),
                       tuple(result.get("warnings", ())))


def health_view(health: InboxHealth, now: datetime) -> HealthView:
    """The inbox counts, and how long the oldest due row has waited."""
    counts = health.counts
    waited = 0.0 if health.oldest_due is None else max(0.0, now.timestamp() - health.oldest_due)
    if health.oldest_due is None:
        oldest = "none due"
    else:
        oldest = f"{waited:.0f} s" if waited < 60 else span(timedelta(seconds=waited))
    return HealthView(counts.get("pending", 0), health.retrying, counts.get("running", 0), counts.get("dead", 0),
                      counts.get("done", 0), oldest, "behind" if waited > BEHIND else "ok")


def per_day(opened: list[tuple[float, str]], now: datetime) -> tuple[list[datetime], dict[tuple[int, str], int]]:
    """The chart's days (UTC, oldest first, today last) and the openings per (day index, reason)."""
    today = now.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    days = [today - timedelta(days=DAYS - 1 - n) for n in range(DAYS)]
    counts: Counter = Counter()
    for epoch, reason in opened:
        index = (_moment(epoch) - days[0]).days
        if 0 <= index < DAYS:
            counts[(index, reason)] += 1
    return days, counts


def chart(opened: list[tuple[float, str]], now: datetime) -> Chart:
    """Stacked bars: one per day, one colour per reason (the most frequent reason first)."""
    days, counts = per_day(opened, now)
    totals: Counter = Counter()
    for (_, reason), count in counts.items():
        totals[reason] += count
    reasons = sorted(totals, key=lambda reason: (-totals[reason], reason))
    colours = {reason: PALETTE[n % len(PALETTE)] for n, reason in enumerate(reasons)}
    top = max([sum(c for (i, _), c in counts.items() if i == index) for index in range(DAYS)] + [1])
    bars = []
    for index, day in enumerate(days):
        y = TOP + PLOT_HEIGHT
        for reason in reasons:
            count = counts.get((index, reason), 0)
            if count:
                height = PLOT_HEIGHT * count / top
                y -= height
                bars.append(Bar(LEFT + index * SLOT + (SLOT - BAR) / 2, round(y, 2), BAR, round(height, 2),
                                colours[reason], f"{day:%Y-%m-%d}: {count} × {reason}"))
    labels = tuple((LEFT + index * SLOT + SLOT / 2, f"{day:%m-%d}") for index, day in enumerate(days))
    return Chart(LEFT + DAYS * SLOT, TOP + PLOT_HEIGHT + BOTTOM, tuple(bars), labels, top,
                 tuple((reason, colours[reason], totals[reason]) for reason in reasons), sum(totals.values()))


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)
