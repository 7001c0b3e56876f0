"""Business hours: wall-clock intervals across DST, split shifts, midnight ends, holidays, and properties."""

import time as timer
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.schedule_cases import DAYS, WEEKDAYS_9_17, hours

from zendesk_escalator.core.sla.hours import (
    Schedule,
    add_business_minutes,
    business_minutes_between,
    calendar_schedule,
    is_open,
    next_opening,
)
from zendesk_escalator.core.sla.zone_names import UnknownTimeZone

UTC = timezone.utc


NEW_YORK = Schedule("America/New_York", WEEKDAYS_9_17)
BERLIN_SPLIT = Schedule("Europe/Berlin", hours(**{day: "09:00-12:00 13:00-17:00" for day in DAYS[1:6]}))
BERLIN_HOLIDAYS = Schedule(
    "Europe/Berlin",
    WEEKDAYS_9_17,
    holidays=((date(2026, 12, 24), date(2026, 12, 26)), (date(2026, 12, 31), date(2027, 1, 1))),
)
NIGHT_SHIFT = Schedule(
    "America/New_York", hours(mon="16:00-24:00", tue="00:00-08:00", sat="22:00-24:00", sun="00:00-02:00")
)
SUNDAYS = {
    zone: Schedule(zone, hours(sun="00:00-24:00"))
    for zone in ("America/New_York", "Europe/Berlin", "Australia/Lord_Howe")
}


def at(zone: str, *parts: int, fold: int = 0) -> datetime:
    """A wall-clock moment in a zone, as the aware UTC datetime the module returns."""
    return datetime(*parts, tzinfo=ZoneInfo(zone), fold=fold).astimezone(UTC)


def ny(*parts: int, fold: int = 0) -> datetime:
    return at("America/New_York", *parts, fold=fold)


def berlin(*parts: int) -> datetime:
    return at("Europe/Berlin", *parts)


@pytest.mark.parametrize(
    "schedule, start, minutes, expected",
    [
        (NEW_YORK, ny(2026, 3, 2, 10), 60, ny(2026, 3, 2, 11)),
        (NEW_YORK, ny(2026, 3, 2, 16), 60, ny(2026, 3, 2, 17)),  # runs out at the interval's end: that end
        (NEW_YORK, ny(2026, 3, 2, 16), 61, ny(2026, 3, 3, 9, 1)),
        (NEW_YORK, ny(2026, 3, 2, 7), 30, ny(2026, 3, 2, 9, 30)),  # before hours
        (NEW_YORK, ny(2026, 3, 2, 18), 30, ny(2026, 3, 3, 9, 30)),  # after hours
        (NEW_YORK, ny(2026, 2, 27, 16, 30), 60, ny(2026, 3, 2, 9, 30)),  # over the weekend
        (NEW_YORK, ny(2026, 2, 28, 12), 30, ny(2026, 3, 2, 9, 30)),  # from a Saturday
        (NEW_YORK, ny(2026, 3, 2, 18), 0, ny(2026, 3, 2, 18)),  # zero: the start itself, even when closed
        (NEW_YORK, ny(2026, 3, 6, 16), 120, ny(2026, 3, 9, 10)),  # over spring-forward: 09:00 stays 09:00 local
        (NEW_YORK, ny(2026, 10, 30, 16), 120, ny(2026, 11, 2, 10)),  # over fall-back
        (NEW_YORK, ny(2026, 1, 5, 9), 30 * 1440, ny(2026, 5, 8, 17)),  # 90 business days, over a DST change
        (NEW_YORK, ny(2026, 3, 2, 10), -60, ny(2026, 3, 2, 9)),  # back: runs out at an interval's start
        (NEW_YORK, ny(2026, 3, 2, 9, 30), -60, ny(2026, 2, 27, 16, 30)),
        (NEW_YORK, ny(2026, 3, 9, 10), -120, ny(2026, 3, 6, 16)),
        (BERLIN_SPLIT, berlin(2026, 3, 2, 11, 30), 60, berlin(2026, 3, 2, 13, 30)),
        (BERLIN_SPLIT, berlin(2026, 3, 2, 11), 60, berlin(2026, 3, 2, 12)),
        (BERLIN_SPLIT, berlin(2026, 3, 2, 12, 30), 30, berlin(2026, 3, 2, 13, 30)),  # from the lunch break
        (BERLIN_SPLIT, berlin(2026, 3, 2, 9), 420, berlin(2026, 3, 2, 17)),
        (BERLIN_SPLIT, berlin(2026, 3, 2, 13, 30), -60, berlin(2026, 3, 2, 11, 30)),
        (BERLIN_HOLIDAYS, berlin(2026, 12, 23, 16), 120, berlin(2026, 12, 28, 10)),  # three-day holiday + weekend
        (BERLIN_HOLIDAYS, berlin(2026, 12, 30, 16), 120, berlin(2027, 1, 4, 10)),  # across the year end
        (BERLIN_HOLIDAYS, berlin(2027, 1, 4, 10), -120, berlin(2026, 12, 30, 16)),
        (NIGHT_SHIFT, ny(2026, 3, 2, 23), 60, ny(2026, 3, 3, 0)),  # an interval ending at midnight
        (NIGHT_SHIFT, ny(2026, 3, 2, 23), 120, ny(2026, 3, 3, 1)),  # on into the next day's
        (NIGHT_SHIFT, ny(2026, 3, 3, 7), 120, ny(2026, 3, 7, 23)),  # Tuesday to Saturday night
        (NIGHT_SHIFT, ny(2026, 3, 7, 23), 120, ny(2026, 3, 8, 1)),  # Saturday into Sunday: the week wraps
        (NIGHT_SHIFT, ny(2026, 3, 8, 1), -120, ny(2026, 3, 7, 23)),
        (SUNDAYS["America/New_York"], ny(2026, 3, 8, 1, 30), 60, ny(2026, 3, 8, 3, 30)),  # 02:00-03:00 never happens
        (SUNDAYS["America/New_York"], ny(2026, 11, 1, 0, 30), 60, ny(2026, 11, 1, 1, 30)),
        (SUNDAYS["America/New_York"], ny(2026, 11, 1, 0, 30), 120, ny(2026, 11, 1, 1, 30, fold=1)),  # 01:00-02:00 twice
        (SUNDAYS["Europe/Berlin"], berlin(2026, 3, 29, 1, 30), 60, berlin(2026, 3, 29, 3, 30)),
        (SUNDAYS["Europe/Berlin"], berlin(2026, 10, 25, 23, 59), 2, berlin(2026, 11, 1, 0, 1)),  # a week later
    ],
)
def test_add_business_minutes(schedule, start, minutes, expected):
    result = add_business_minutes(schedule, start, minutes)
    assert result == expected and result.tzinfo is UTC


@pytest.mark.parametrize(
    "schedule, day, minutes",
    [
        (SUNDAYS["America/New_York"], date(2026, 3, 8), 23 * 60),  # spring forward: a 23-hour day
        (SUNDAYS["America/New_York"], date(2026, 11, 1), 25 * 60),  # fall back: a 25-hour day
        (SUNDAYS["America/New_York"], date(2026, 11, 8), 24 * 60),
        (SUNDAYS["Europe/Berlin"], date(2026, 3, 29), 23 * 60),
        (SUNDAYS["Europe/Berlin"], date(2026, 10, 25), 25 * 60),
        (SUNDAYS["Australia/Lord_Howe"], date(2026, 10, 4), 23.5 * 60),  # a 30-minute shift
        (SUNDAYS["Australia/Lord_Howe"], date(2026, 4, 5), 24.5 * 60),
        (Schedule("America/New_York", hours(sun="01:00-04:00")), date(2026, 3, 8), 120),  # spans the skipped hour
        (Schedule("America/New_York", hours(sun="01:00-04:00")), date(2026, 11, 1), 240),  # spans the repeated hour
        (Schedule("America/New_York", hours(sun="02:00-03:00")), date(2026, 3, 8), 0),  # lies in the skipped hour
        (Schedule("America/New_York", hours(sun="01:30-03:00")), date(2026, 11, 1), 120),  # starts in the repeated hour
        (Schedule("America/New_York", hours(sun="00:00-01:30 01:45-03:00")), date(2026, 11, 1), 90 + 30 + 15 + 75),
        (Schedule("Europe/Berlin", hours(sun="01:00-04:00")), date(2026, 3, 29), 120),
        (Schedule("Europe/Berlin", hours(sun="01:00-04:00")), date(2026, 10, 25), 240),
        (Schedule("Europe/Berlin", hours(sun="09:00-17:00")), date(2026, 3, 29), 480),  # away from the change: 8 hours
        (Schedule("Australia/Lord_Howe", hours(sun="01:00-03:00")), date(2026, 4, 5), 150),
        (NEW_YORK, date(2026, 3, 2), 480),
        (BERLIN_SPLIT, date(2026, 3, 2), 420),
        (BERLIN_HOLIDAYS, date(2026, 12, 24), 0),
    ],
)
def test_business_minutes_in_a_local_day(schedule, day, minutes):
    zone = ZoneInfo(schedule.time_zone)
    start = datetime.combine(day, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone).astimezone(UTC)
    assert business_minutes_between(schedule, start, end) == minutes
    assert business_minutes_between(schedule, end, start) == -minutes


def test_business_minutes_between_cuts_the_ends():
    assert business_minutes_between(NEW_YORK, ny(2026, 3, 2, 16, 30), ny(2026, 3, 3, 9, 15)) == 45
    assert business_minutes_between(NEW_YORK, ny(2026, 3, 2, 10), ny(2026, 3, 2, 10)) == 0
    assert business_minutes_between(NEW_YORK, ny(2026, 3, 2, 10), ny(2026, 3, 2, 10, 0, 30)) == 0.5
    assert business_minutes_between(NEW_YORK, ny(2026, 2, 28, 10), ny(2026, 3, 1, 23)) == 0  # weekend only


@pytest.mark.parametrize(
    "schedule, moment, open_, opening",
    [
        (NEW_YORK, ny(2026, 3, 2, 8, 59), False, ny(2026, 3, 2, 9)),  # before
        (NEW_YORK, ny(2026, 3, 2, 9), True, ny(2026, 3, 2, 9)),  # at the start: open
        (NEW_YORK, ny(2026, 3, 2, 16, 59, 59), True, ny(2026, 3, 2, 16, 59, 59)),
        (NEW_YORK, ny(2026, 3, 2, 17), False, ny(2026, 3, 3, 9)),  # at the end: closed
        (NEW_YORK, ny(2026, 3, 6, 18), False, ny(2026, 3, 9, 9)),  # Friday evening, DST on Sunday
        (BERLIN_SPLIT, berlin(2026, 3, 2, 12, 30), False, berlin(2026, 3, 2, 13)),  # lunch break
        (BERLIN_HOLIDAYS, berlin(2026, 12, 24, 10), False, berlin(2026, 12, 28, 9)),
        (BERLIN_HOLIDAYS, berlin(2026, 12, 31, 10), False, berlin(2027, 1, 4, 9)),
        (NIGHT_SHIFT, ny(2026, 3, 2, 23, 59), True, ny(2026, 3, 2, 23, 59)),
        (NIGHT_SHIFT, ny(2026, 3, 3, 0), True, ny(2026, 3, 3, 0)),
        (NIGHT_SHIFT, ny(2026, 3, 3, 8), False, ny(2026, 3, 7, 22)),
        (NIGHT_SHIFT, ny(2026, 3, 8, 1), True, ny(2026, 3, 8, 1)),  # Sunday, after Saturday night
        (
            Schedule("America/New_York", hours(sun="01:00-01:30")),
            ny(2026, 11, 1, 1, 15, fold=1),
            True,
            ny(2026, 11, 1, 1, 15, fold=1),
        ),  # the wall clock reads 01:15 again
        (Schedule("America/New_York", hours(sun="02:00-03:00")), ny(2026, 3, 7, 12), False, ny(2026, 3, 15, 2)),
    ],
)
def test_open_and_next_opening(schedule, moment, open_, opening):
    assert is_open(schedule, moment) is open_
    assert next_opening(schedule, moment) == opening


def test_inputs_may_be_in_any_zone_and_results_are_utc():
    tokyo = datetime(2026, 3, 3, 0, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # Monday 10:00 in New York
    result = add_business_minutes(NEW_YORK, tokyo, 60)
    assert result == ny(2026, 3, 2, 11) and result.tzinfo is UTC
    assert next_opening(NEW_YORK, tokyo).tzinfo is UTC


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="aware"):
        add_business_minutes(NEW_YORK, datetime(2026, 3, 2, 10), 5)


def test_thirty_days_of_minutes_do_not_walk_minute_by_minute():
    began = timer.perf_counter()
    result = add_business_minutes(NEW_YORK, ny(2026, 1, 5, 9), 10 * 250 * 480)  # ten years of working days
    assert timer.perf_counter() - began < 1.0
    assert result.year == 2035 and business_minutes_between(NEW_YORK, ny(2026, 1, 5, 9), result) == 10 * 250 * 480


def test_schedule_takes_a_zendesk_zone_name_and_normalises():
    schedule = Schedule(
        "Eastern Time (US & Canada)",
        tuple(reversed(WEEKDAYS_9_17)),
        holidays=((date(2027, 1, 1), date(2027, 1, 1)), (date(2026, 12, 24), date(2026, 12, 26))),
    )
    assert schedule.time_zone == "America/New_York" and schedule.intervals == WEEKDAYS_9_17
    assert schedule == Schedule("America/New_York", WEEKDAYS_9_17, schedule.holidays)
    assert schedule.holidays[0] == (date(2026, 12, 24), date(2026, 12, 26))


def test_touching_holidays_merge():
    schedule = Schedule(
        "UTC", WEEKDAYS_9_17, ((date(2026, 12, 24), date(2026, 12, 26)), (date(2026, 12, 27), date(2027, 1, 3)))
    )
    assert schedule.holiday(date(2026, 12, 25)) == (date(2026, 12, 24), date(2027, 1, 3))
    assert schedule.holiday(date(2027, 1, 4)) is None and schedule.holiday(date(2026, 12, 23)) is None


def test_unknown_zone_is_named():
    with pytest.raises(UnknownTimeZone, match="Mars/Olympus"):
        Schedule("Mars/Olympus", WEEKDAYS_9_17)


# Properties. Moments are drawn near DST changes as well as anywhere in a few years.
CHANGES = [
    ny(2026, 3, 8, 3),
    ny(2026, 11, 1, 1, fold=1),
    berlin(2026, 3, 29, 3),
    berlin(2026, 10, 25, 2),
    datetime(2026, 4, 4, 15, tzinfo=UTC),
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),
]
SCHEDULES = [
    NEW_YORK,
    BERLIN_SPLIT,
    BERLIN_HOLIDAYS,
    NIGHT_SHIFT,
    *SUNDAYS.values(),
    Schedule("Australia/Lord_Howe", hours(**{day: "01:00-03:00 09:00-17:00" for day in DAYS})),
    Schedule("America/New_York", hours(sun="00:00-01:30 01:45-03:00", wed="02:00-02:15")),
]
near_a_change = st.builds(
    lambda change, seconds: change + timedelta(seconds=seconds),
    st.sampled_from(CHANGES),
    st.integers(-3 * 86400, 3 * 86400),
)
anywhere = st.datetimes(datetime(2025, 1, 1), datetime(2028, 12, 31), timezones=st.just(UTC))
moments = st.one_of(near_a_change, anywhere)
schedules = st.sampled_from(SCHEDULES)


@settings(max_examples=300, deadline=None)  # correctness, not speed: no deadline on a busy machine
@given(schedules, moments, st.integers(-100_000, 100_000))
def test_adding_then_measuring_gives_the_minutes_back(schedule, start, minutes):
    end = add_business_minutes(schedule, start, minutes)
    assert business_minutes_between(schedule, start, end) == minutes
    if minutes > 0:  # the earliest such moment: business time runs up to it
        assert is_open(schedule, end - timedelta(microseconds=1))
    if minutes < 0:  # the latest such moment: business time starts at it
        assert is_open(schedule, end)


@settings(deadline=None)
@given(schedules, moments)
def test_next_opening_is_the_moment_itself_exactly_when_open(schedule, moment):
    opening = next_opening(schedule, moment)
    assert (opening == moment) is is_open(schedule, moment)
    assert is_open(schedule, opening) and business_minutes_between(schedule, moment, opening) == 0


@settings(deadline=None)
@given(moments, st.integers(0, 3_000_000), st.sampled_from(["UTC", "America/New_York", "Australia/Lord_Howe"]))
def test_a_calendar_schedule_is_calendar_arithmetic(start, minutes, zone):
    schedule = calendar_schedule(zone)
    assert add_business_minutes(schedule, start, minutes) == start + timedelta(minutes=minutes)
    assert add_business_minutes(schedule, start, -minutes) == start - timedelta(minutes=minutes)
    assert business_minutes_between(schedule, start, start + timedelta(minutes=minutes)) == minutes


def wall_clock_open(schedule: Schedule, moment: datetime) -> bool:
    """The definition, written again independently: the wall clock is inside a weekday's interval."""
    local = moment.astimezone(ZoneInfo(schedule.time_zone))
    if any(first <= local.date() <= last for first, last in schedule.holidays):
        return False
    week_minute = (local.isoweekday() % 7) * 1440 + local.hour * 60 + local.minute
    return any(start <= week_minute < end for start, end in schedule.intervals)


@settings(max_examples=60, deadline=None)
@given(schedules, moments, st.integers(0, 2 * 1440))
def test_minutes_between_match_counting_minute_by_minute(schedule, start, length):
    start = start.replace(second=0, microsecond=0)  # every boundary lies on a whole minute
    counted = sum(wall_clock_open(schedule, start + timedelta(minutes=m)) for m in range(length))
    assert business_minutes_between(schedule, start, start + timedelta(minutes=length)) == counted
    assert is_open(schedule, start) is wall_clock_open(schedule, start)
