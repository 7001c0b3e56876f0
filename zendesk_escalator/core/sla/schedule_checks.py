"""What makes weekly business hours a usable schedule (pure): whole week minutes, date pairs, errors saying why."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeGuard, TypeVar

DAY = 1440  # minutes
WEEK = 7 * DAY
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")  # Zendesk's order
T = TypeVar("T")


class ScheduleError(ValueError):
    """Intervals or holidays that do not make a usable schedule."""


def checked_interval(interval: object) -> tuple[int, int]:
    """An interval as (start, end) week minutes, within one day; ScheduleError says what is wrong."""
    start, end = _pair(interval, "an interval is a pair of whole week minutes", _is_minute)
    if not 0 <= start < end <= WEEK:
        raise ScheduleError(f"interval {start}-{end}: need 0 <= start < end <= {WEEK}")
    if start // DAY != (end - 1) // DAY:
        raise ScheduleError(f"interval {wall(start)}-{wall(end, end=True)} crosses midnight; split it in two")
    return start, end


def checked_holiday(holiday: object) -> tuple[date, date]:
    """A holiday as (first, last) dates, in order; ScheduleError says what is wrong."""
    first, last = _pair(holiday, "a holiday is a pair of dates (first and last day)", _is_date)
    if last < first:
        raise ScheduleError(f"holiday {first}..{last} ends before it starts")
    return first, last


def _is_minute(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_date(value: object) -> TypeGuard[date]:
    return isinstance(value, date) and not isinstance(value, datetime)


def _pair(value: Any, what: str, fits: Callable[[object], TypeGuard[T]]) -> tuple[T, T]:
    try:  # Any: whatever unpacks into two; what does not raises, and is reported
        first, second = value
    except (TypeError, ValueError):
        raise ScheduleError(f"{what}, not {value!r}") from None
    if not (fits(first) and fits(second)):
        raise ScheduleError(f"{what}, not {value!r}")
    return first, second


def wall(week_minute: int, end: bool = False) -> str:
    """Describe a week minute as 'Monday 09:00'; an end at midnight as 'Monday 24:00'."""
    day, minute = divmod(week_minute, DAY)
    if end and minute == 0:  # an end at midnight belongs to the day before
        day, minute = day - 1, DAY
    return f"{WEEKDAYS[day]} {minute // 60:02d}:{minute % 60:02d}"
