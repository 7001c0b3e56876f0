"""Business-hours schedules written in the policy file, validated with marshmallow into core.hours.Schedule.

    [schedules.emea]
    time_zone = "Europe/Berlin"            # IANA, or Zendesk's name such as "London"
    hours = { monday = ["09:00-12:00", "13:00-17:00"], tuesday = "09:00-17:00" }
    holidays = ["2026-12-24..2026-12-26", "2027-01-01"]   # local dates, ranges inclusive

A day left out is closed; "24:00" ends a shift at midnight; errors name the key and the problem.
"""

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from marshmallow import ValidationError, fields, post_load, validates_schema

from ..core.sla.hours import Schedule
from ..core.sla.schedule_checks import DAY, ScheduleError
from .base import OneOrMany, Strict
from .values import known_zone

DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")  # Zendesk's week order
_SHIFT = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_RANGE = ".."
_NAME = re.compile(r"^[a-z0-9_]+\Z")
# Dates far from these overflowed the date arithmetic of business hours (a day after 9999-12-31).
FIRST_YEAR, LAST_YEAR, LONGEST_HOLIDAY = 1970, 2999, timedelta(days=366)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _Shift(fields.Field[tuple[int, int]]):
    """A shift "HH:MM-HH:MM" within one day, as minutes from midnight."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> tuple[int, int]:
        match = _SHIFT.match(value.strip()) if isinstance(value, str) else None
        if not match:
            raise ValidationError(f'{value!r} is not a shift: write "HH:MM-HH:MM", such as "09:00-17:00"')
        start_h, start_m, end_h, end_m = map(int, match.groups())
        start, end = start_h * 60 + start_m, end_h * 60 + end_m
        if start_h > 23 or start_m > 59 or end_m > 59 or end > DAY:
            raise ValidationError(f"{value!r}: times run from 00:00 to 24:00")
        if end <= start:
            raise ValidationError(
                f"{value!r} must end after it starts; a night shift is two shifts, "
                f"one ending at 24:00 and one starting at 00:00 the next day"
            )
        return start, end


class _Holiday(fields.Field[tuple[date, date]]):
    """A local date "2027-01-01", or an inclusive range "2026-12-24..2026-12-26"."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> tuple[date, date]:
        days, shown = self._days(value), repr(str(value))
        if days[1] < days[0]:
            raise ValidationError(f"{shown} ends before it starts")
        if not (FIRST_YEAR <= days[0].year and days[1].year <= LAST_YEAR):
            raise ValidationError(f"{shown}: holidays fall in the years {FIRST_YEAR} to {LAST_YEAR}")
        if days[1] - days[0] >= LONGEST_HOLIDAY:
            raise ValidationError(f"{shown} is longer than a year: a holiday closes days, not the schedule")
        return days

    @staticmethod
    def _days(value: object) -> tuple[date, date]:
        if isinstance(value, date) and not isinstance(value, datetime):  # a TOML date written bare
            return value, value
        first, _, last = value.partition(_RANGE) if isinstance(value, str) else ("", "", "")
        try:
            return date.fromisoformat(first.strip()), date.fromisoformat((last or first).strip())
        except ValueError:
            raise ValidationError(
                f'{value!r} is not a holiday: write "2027-01-01" or "2026-12-24..2026-12-26"'
            ) from None


class HoursSchema(Strict):
    """A day's shifts by day name; a day left out is closed."""

    error_messages = {"unknown": f"not a day: use {', '.join(DAYS[1:] + DAYS[:1])}"}
    sunday = OneOrMany(_Shift(), load_default=list)
    monday = OneOrMany(_Shift(), load_default=list)
    tuesday = OneOrMany(_Shift(), load_default=list)
    wednesday = OneOrMany(_Shift(), load_default=list)
    thursday = OneOrMany(_Shift(), load_default=list)
    friday = OneOrMany(_Shift(), load_default=list)
    saturday = OneOrMany(_Shift(), load_default=list)

    @validates_schema
    def no_overlap(self, data: dict[str, Any], **_: Any) -> None:
        for day, shifts in data.items():
            ordered = sorted(shifts)
            for (first, first_end), (second, second_end) in zip(ordered, ordered[1:]):
                if second < first_end:
                    raise ValidationError(
                        f"shifts {_hhmm(first)}-{_hhmm(first_end)} and {_hhmm(second)}-{_hhmm(second_end)} overlap",
                        field_name=day,
                    )


class ScheduleSchema(Strict):
    """One schedule: its time zone, weekly hours and holidays."""

    time_zone = fields.String(required=True, validate=known_zone)
    hours = fields.Nested(HoursSchema, required=True)
    holidays = OneOrMany(_Holiday(), load_default=list)

    @post_load
    def build(self, data: dict[str, Any], **_: Any) -> Schedule:
        intervals = tuple(
            (DAYS.index(day) * DAY + start, DAYS.index(day) * DAY + end)
            for day, shifts in data["hours"].items()
            for start, end in shifts
        )
        try:
            return Schedule(data["time_zone"], intervals, tuple(data["holidays"]))
        except ScheduleError as error:  # shifts and holidays are checked above: only "no hours at all" is left
            raise ValidationError(str(error), field_name="hours") from None


class Schedules(fields.Field[dict[str, Schedule]]):
    """The policy file's [schedules] section: schedules by name, each Schedule carrying its name."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> dict[str, Schedule]:
        if not isinstance(value, dict):
            raise ValidationError("expected tables of schedules by name, such as [schedules.emea]")
        loaded, errors = {}, {}
        for name, body in value.items():
            try:
                loaded[name] = replace(_load_schedule(name, body), name=name)
            except ValidationError as error:
                errors[name] = error.messages
        if errors:
            raise ValidationError(errors)
        return loaded


def _load_schedule(name: str, body: object) -> Schedule:
    if not _NAME.match(name):
        raise ValidationError("a schedule's name uses lower-case letters, digits and _ only")
    if not isinstance(body, dict):
        raise ValidationError("expected a table with time_zone, hours and holidays")
    schedule: Schedule = ScheduleSchema().load(body)  # its post_load builds a Schedule
    return schedule
