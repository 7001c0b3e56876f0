"""Zendesk's Schedules API answers become a Schedule; a bad answer names the field."""

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from zendesk_escalator.core.sla.hours import add_business_minutes, is_open
from zendesk_escalator.core.sla.schedule_api import schedule_from_zendesk
from zendesk_escalator.core.sla.schedule_checks import ScheduleError

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SCHEDULE = json.loads((SAMPLES / "schedule.json").read_text())
HOLIDAYS = json.loads((SAMPLES / "schedule_holidays.json").read_text())


def test_recorded_answers_become_a_schedule():
    schedule = schedule_from_zendesk(SCHEDULE, HOLIDAYS)
    assert schedule.name == "Support hours" and schedule.time_zone == "America/Los_Angeles"
    assert schedule.intervals[:2] == ((1980, 2160), (2220, 2460))  # Monday 09:00-12:00 and 13:00-17:00
    assert schedule.holidays == ((date(2026, 12, 24), date(2026, 12, 26)), (date(2027, 1, 1), date(2027, 1, 1)))
    christmas_eve_noon = datetime(2026, 12, 24, 20, tzinfo=timezone.utc)  # Thursday 12:00 in Los Angeles
    assert not is_open(schedule, christmas_eve_noon)
    assert add_business_minutes(schedule, christmas_eve_noon, 30) == datetime(2026, 12, 28, 17, 30, tzinfo=timezone.utc)


def test_bare_objects_and_lists_are_accepted_too():
    bare = schedule_from_zendesk(SCHEDULE["schedule"], HOLIDAYS["holidays"])
    assert bare == schedule_from_zendesk(SCHEDULE, HOLIDAYS)
    assert schedule_from_zendesk(SCHEDULE).holidays == ()


def test_a_holiday_spelled_with_start_time_is_read():
    # One old official example shows start_time/end_time on a holiday.
    holidays = {"holidays": [{"id": 1, "name": "x", "start_time": "2026-12-24", "end_time": "2026-12-26T00:00:00Z"}]}
    assert schedule_from_zendesk(SCHEDULE, holidays).holidays == ((date(2026, 12, 24), date(2026, 12, 26)),)


def with_schedule(**changes) -> dict:
    return {"schedule": {**SCHEDULE["schedule"], **changes}}


@pytest.mark.parametrize(
    "schedule, holidays, problem",
    [
        ([], None, "schedule: expected an object"),
        (with_schedule(intervals=None), None, "schedule.intervals: expected a list"),
        (
            with_schedule(intervals=[{"start_time": 1980}]),
            None,
            "schedule.intervals.0.end_time: expected whole minutes",
        ),
        (with_schedule(intervals=[{"start_time": "1980", "end_time": 2460}]), None, "schedule.intervals.0.start_time"),
        (with_schedule(intervals=[1980]), None, "schedule.intervals.0: expected an object"),
        (
            with_schedule(intervals=[{"start_time": 2400, "end_time": 2940}]),
            None,
            "schedule.intervals: interval Monday 16:00-Tuesday 01:00 crosses midnight",
        ),
        (with_schedule(intervals=[]), None, "schedule.intervals: a schedule needs at least one interval"),
        (with_schedule(time_zone="Mountain Time"), None, "schedule.time_zone: unknown time zone 'Mountain Time'"),
        (with_schedule(time_zone=None), None, "schedule.time_zone: unknown time zone None"),
        (SCHEDULE, {"holidays": {"id": 1}}, "holidays: expected a list"),
        (SCHEDULE, {"holidays": ["2027-01-01"]}, "holidays.0: expected an object"),
        (SCHEDULE, {"holidays": [{"start_date": "2027-01-01"}]}, "holidays.0.end_date: expected a date"),
        (SCHEDULE, {"holidays": [{"start_date": "01/01/2027", "end_date": "2027-01-01"}]}, "holidays.0.start_date"),
        (SCHEDULE, {"holidays": [{"start_date": "2027-01-02", "end_date": "2027-01-01"}]}, "holidays.0: ends"),
    ],
)
def test_bad_answers_name_the_field(schedule, holidays, problem):
    with pytest.raises(ScheduleError) as caught:
        schedule_from_zendesk(schedule, holidays)
    assert str(caught.value).startswith(problem)
