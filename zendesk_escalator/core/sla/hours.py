"""Business-hours arithmetic over a Zendesk-style weekly schedule (pure).

Only for the service's own targets (fallback first-reply targets, communication cadence,
percentage stages): Zendesk's own SLA clock (`breach_at`) is never recomputed.

Business time is exactly the moments whose local wall-clock time lies in an interval of
that weekday, on a date that is no holiday. So 09:00-17:00 stays 09:00-17:00 local across a
DST change; an interval spanning a skipped hour holds an hour less, one spanning a repeated
hour an hour more (both passes count). Adding minutes gives the earliest moment by which
they have passed: running out exactly at an interval's end gives that end (a deadline), not
the next opening. Results are aware UTC datetimes, exact to the microsecond; work goes day
by day, never minute by minute. docs/BUSINESS_HOURS.md says more.

Own code over stdlib zoneinfo, not a library: businesstimedelta has had no release since
2019 (pytz), workclock is pre-1.0 and a native wheel, and neither models Zendesk's week
minutes and date-range holidays. zoneinfo reads each zone's data once (its only I/O).
"""

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from .schedule_checks import DAY, ScheduleError, checked_holiday, checked_interval, wall
from .zone_names import iana_zone

ONE_DAY = timedelta(days=1)
# UTC offsets lie within -12h..+14h, so a local date's moments lie within this much of its
# wall-clock span. As tzdata has it for every zone today, a date and its margins hold at most
# one offset change, and no clock goes back across midnight (local dates follow each other).
_MARGIN = timedelta(hours=15)

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Schedule:
    """Weekly business hours in one time zone, minus holidays."""

    time_zone: str  # IANA name; a Rails name as Zendesk gives it is turned into one
    intervals: tuple[tuple[int, int], ...]  # minutes from Sunday 00:00 local; may end at, never cross, midnight
    holidays: tuple[tuple[date, date], ...] = ()  # first and last local date, inclusive
    name: str = ""
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _days: tuple[tuple[tuple[int, int], ...], ...] = field(init=False, repr=False, compare=False)
    _closed: tuple[tuple[date, date], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        zone = iana_zone(self.time_zone)
        intervals = tuple(sorted(checked_interval(i) for i in self.intervals))
        if not intervals:
            raise ScheduleError("a schedule needs at least one interval of business hours")
        for (_, end), (start, _) in zip(intervals, intervals[1:]):
            if start < end:
                raise ScheduleError(f"intervals overlap at {wall(start)}")
        days: list[list[tuple[int, int]]] = [[] for _ in range(7)]  # by date.weekday(): Monday is 0, Sunday 6
        for start, end in intervals:
            days[(start // DAY + 6) % 7].append((start % DAY, end - start // DAY * DAY))
        holidays = tuple(sorted(checked_holiday(h) for h in self.holidays))
        object.__setattr__(self, "time_zone", zone)
        object.__setattr__(self, "intervals", intervals)
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "_zone", ZoneInfo(zone))
        object.__setattr__(self, "_days", tuple(tuple(day) for day in days))
        object.__setattr__(self, "_closed", _merged(holidays))

    def holiday(self, day: date) -> tuple[date, date] | None:
        """Return the holiday range (merged with those it touches) that covers a local date."""
        i = bisect_right(self._closed, (day, date.max)) - 1
        return self._closed[i] if i >= 0 and self._closed[i][1] >= day else None


def calendar_schedule(time_zone: str = "UTC") -> Schedule:
    """Return a schedule open around the clock, every day: business time equals calendar time."""
    return Schedule(time_zone, tuple((d * DAY, (d + 1) * DAY) for d in range(7)), name="calendar")


def is_open(schedule: Schedule, moment: datetime) -> bool:
    """Tell whether a moment lies within business hours."""
    local = _utc(moment).astimezone(schedule._zone)
    if schedule.holiday(local.date()):
        return False
    wall = timedelta(hours=local.hour, minutes=local.minute, seconds=local.second, microseconds=local.microsecond)
    return any(
        timedelta(minutes=start) <= wall < timedelta(minutes=end) for start, end in schedule._days[local.weekday()]
    )


def next_opening(schedule: Schedule, moment: datetime) -> datetime:
    """Return the moment itself when open, else the next moment business hours open."""
    return next(_spans_after(schedule, moment))[0]


def add_business_minutes(schedule: Schedule, start: datetime, minutes: float) -> datetime:
    """Return the earliest moment by which `minutes` of business time have passed since start.

    Negative minutes go back: the latest moment that lies that much business time before start.
    """
    left = timedelta(minutes=minutes)
    if not left:
        return _utc(start)
    if left > timedelta(0):
        span_start, _, needed = _run_out(_spans_after(schedule, start), left)
        return span_start + needed
    _, span_end, needed = _run_out(_spans_before(schedule, start), -left)
    return span_end - needed


def _run_out(spans: Iterator[Span], left: timedelta) -> tuple[datetime, datetime, timedelta]:
    """Return the span in which `left` business time runs out, and how much of that span it takes."""
    for span_start, span_end in spans:
        if span_end - span_start >= left:
            return span_start, span_end, left
        left -= span_end - span_start
    raise AssertionError("unreachable: a schedule's spans never run out")


def business_minutes_between(schedule: Schedule, start: datetime, end: datetime) -> float:
    """Return the business minutes from start to end (negative when end comes first)."""
    start, end = _utc(start), _utc(end)
    if end < start:
        return -business_minutes_between(schedule, end, start)
    total = timedelta(0)
    for span_start, span_end in _spans_after(schedule, start):
        if span_start >= end:
            break
        total += min(span_end, end) - span_start
    return total / timedelta(minutes=1)


def _spans_after(schedule: Schedule, moment: datetime) -> Iterator[Span]:
    """Yield the business time from a moment on, in order, span by span."""
    moment = _utc(moment)
    for day in _open_dates(schedule, moment, ONE_DAY):
        for start, end in _day_spans(schedule, day):
            if end > moment:
                yield max(start, moment), end


def _spans_before(schedule: Schedule, moment: datetime) -> Iterator[Span]:
    """Yield the business time before a moment, latest first, span by span."""
    moment = _utc(moment)
    for day in _open_dates(schedule, moment, -ONE_DAY):
        for start, end in reversed(_day_spans(schedule, day)):
            if start < moment:
                yield start, min(end, moment)


def _open_dates(schedule: Schedule, moment: datetime, step: timedelta) -> Iterator[date]:
    """Yield the local dates from a moment's on, forward or back, skipping holiday ranges whole."""
    day = moment.astimezone(schedule._zone).date()
    while True:
        holiday = schedule.holiday(day)
        if holiday:
            day = holiday[1] + ONE_DAY if step > timedelta(0) else holiday[0] - ONE_DAY
            continue
        yield day
        day += step


def _day_spans(schedule: Schedule, day: date) -> list[Span]:
    """Return the UTC spans whose wall-clock time lies in the intervals of a local date, in order."""
    midnight = datetime.combine(day, time())
    before, after, change = _offset_change(schedule._zone, midnight)
    spans = []
    for start, end in schedule._days[day.weekday()]:
        first, last = midnight + timedelta(minutes=start), midnight + timedelta(minutes=end)
        # Moments before the change show UTC + before, moments after it UTC + after:
        # in a gap part of the wall-clock interval never happens, in a fold part of it happens twice.
        spans += [(first - before, min(last - before, change)), (max(first - after, change), last - after)]
    # In a fold, the second pass of an early interval comes after the first pass of a later one.
    return sorted((s.replace(tzinfo=timezone.utc), e.replace(tzinfo=timezone.utc)) for s, e in spans if s < e)


def _offset_change(zone: ZoneInfo, midnight: datetime) -> tuple[timedelta, timedelta, datetime]:
    """Return the UTC offsets before and after a local date's offset change, and its naive UTC instant."""
    low, high = midnight - _MARGIN, midnight + ONE_DAY + _MARGIN
    before, after = _offset(zone, low), _offset(zone, high)
    if before == after:
        return before, after, datetime.max  # no change: every moment is "before" it
    while high - low > timedelta(seconds=1):  # changes happen on whole seconds
        middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
        if _offset(zone, middle) == before:
            low = middle
        else:
            high = middle
    return before, after, high


def _offset(zone: ZoneInfo, naive_utc: datetime) -> timedelta:
    offset = naive_utc.replace(tzinfo=timezone.utc).astimezone(zone).utcoffset()
    assert offset is not None  # an aware datetime's
    return offset


def _utc(moment: datetime) -> datetime:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is needed, not {moment!r}")
    return moment.astimezone(timezone.utc)


def _merged(ranges: tuple[tuple[date, date], ...]) -> tuple[tuple[date, date], ...]:
    merged: list[tuple[date, date]] = []
    for first, last in ranges:  # sorted
        if merged and first <= merged[-1][1] + ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return tuple(merged)
