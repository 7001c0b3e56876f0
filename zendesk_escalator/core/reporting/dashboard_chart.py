"""The dashboard's chart (pure): escalations opened per day by reason, as bar geometry for an SVG."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..wording import moment

DAYS = 14  # the chart's window, today included
PALETTE = ("#2563eb", "#dc2626", "#d97706", "#059669", "#7c3aed", "#db2777", "#0891b2", "#65a30d")
# Chart geometry, in SVG user units.
SLOT, BAR, PLOT_HEIGHT, LEFT, TOP, BOTTOM = 44, 30, 140, 32, 12, 34


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


def per_day(opened: list[tuple[float, str]], now: datetime) -> tuple[list[datetime], dict[tuple[int, str], int]]:
    """The chart's days (UTC, oldest first, today last) and the openings per (day index, reason)."""
    today = now.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    days = [today - timedelta(days=DAYS - 1 - n) for n in range(DAYS)]
    counts: Counter[tuple[int, str]] = Counter()
    for epoch, reason in opened:
        index = (moment(epoch) - days[0]).days
        if 0 <= index < DAYS:
            counts[(index, reason)] += 1
    return days, counts


def chart(opened: list[tuple[float, str]], now: datetime) -> Chart:
    """Stacked bars: one per day, one colour per reason (the most frequent reason first)."""
    days, counts = per_day(opened, now)
    totals: Counter[str] = Counter()
    for (_, reason), count in counts.items():
        totals[reason] += count
    reasons = sorted(totals, key=lambda reason: (-totals[reason], reason))
    colours = {reason: PALETTE[n % len(PALETTE)] for n, reason in enumerate(reasons)}
    top = max([sum(c for (i, _), c in counts.items() if i == index) for index in range(DAYS)] + [1])
    bars = []
    for index, day in enumerate(days):
        y: float = TOP + PLOT_HEIGHT
        for reason in reasons:
            count = counts.get((index, reason), 0)
            if count:
                height = PLOT_HEIGHT * count / top
                y -= height
                bars.append(
                    Bar(
                        LEFT + index * SLOT + (SLOT - BAR) / 2,
                        round(y, 2),
                        BAR,
                        round(height, 2),
                        colours[reason],
                        f"{day:%Y-%m-%d}: {count} × {reason}",
                    )
                )
    labels = tuple((LEFT + index * SLOT + SLOT / 2, f"{day:%m-%d}") for index, day in enumerate(days))
    return Chart(
        LEFT + DAYS * SLOT,
        TOP + PLOT_HEIGHT + BOTTOM,
        tuple(bars),
        labels,
        top,
        tuple((reason, colours[reason], totals[reason]) for reason in reasons),
        sum(totals.values()),
    )
