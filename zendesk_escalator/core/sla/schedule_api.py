"""Zendesk's Schedules API answers to a Schedule (pure).

GET /api/v2/business_hours/schedules/{id}.json answers {"schedule": {id, name, time_zone,
intervals: [{start_time, end_time}]}}, time_zone being a Rails display name and the
intervals minutes from Sunday 00:00; .../schedules/{id}/holidays.json answers
{"holidays": [{id, name, start_date, end_date}]}, whole local dates, both inclusive.
"""

from datetime import date
from typing import Any, cast

from .hours import Schedule
from .schedule_checks import ScheduleError
from .zone_names import UnknownTimeZone


def schedule_from_zendesk(schedule: dict[str, Any], holidays: dict[str, Any] | list[Any] | None = None) -> Schedule:
    """Build a Schedule from a schedule answer and its holidays answer; ScheduleError names the field."""
    body = schedule.get("schedule", schedule) if isinstance(schedule, dict) else schedule
    if not isinstance(body, dict):
        raise ScheduleError(f"schedule: expected an object, got {body!r:.60}")
    intervals = body.get("intervals")
    if not isinstance(intervals, list):
        raise ScheduleError(f"schedule.intervals: expected a list, got {intervals!r:.60}")
    items = holidays.get("holidays") if isinstance(holidays, dict) else holidays or []
    if not isinstance(items, list):
        raise ScheduleError(f"holidays: expected a list, got {items!r:.60}")
    pairs = tuple(_interval(item, f"schedule.intervals.{i}") for i, item in enumerate(intervals))
    days = tuple(_holiday(item, f"holidays.{i}") for i, item in enumerate(items))
    try:
        # A missing time zone is Schedule's to refuse (UnknownTimeZone, reported below).
        return Schedule(cast(str, body.get("time_zone")), pairs, days, name=str(body.get("name") or ""))
    except UnknownTimeZone as error:
        raise ScheduleError(f"schedule.time_zone: {error}") from None
    except ScheduleError as error:  # the holidays are checked above: what is left is about intervals
        raise ScheduleError(f"schedule.intervals: {error}") from None


def _interval(item: object, where: str) -> tuple[int, int]:
    if not isinstance(item, dict):
        raise ScheduleError(f"{where}: expected an object with start_time and end_time")
    return _minute(item, "start_time", where), _minute(item, "end_time", where)


def _minute(item: dict[str, Any], key: str, where: str) -> int:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScheduleError(f"{where}.{key}: expected whole minutes from Sunday 00:00, got {value!r}")
    return value


def _holiday(item: object, where: str) -> tuple[date, date]:
    if not isinstance(item, dict):
        raise ScheduleError(f"{where}: expected an object with start_date and end_date")
    # One old official example shows start_time/end_time on a holiday; accept both spellings.
    first = _date(item, ("start_date", "start_time"), where)
    last = _date(item, ("end_date", "end_time"), where)
    if last < first:
        raise ScheduleError(f"{where}: ends ({last}) before it starts ({first})")
    return first, last


def _date(item: dict[str, Any], keys: tuple[str, str], where: str) -> date:
    key = next((k for k in keys if item.get(k) is not None), keys[0])
    value: Any = item.get(key)  # sliced below: what is no text raises, and is reported
    try:
        return date.fromisoformat(value[:10])  # "2026-12-24", or a timestamp on that date
    except (TypeError, ValueError):
        raise ScheduleError(f'{where}.{key}: expected a date such as "2026-12-24", got {value!r}') from None
