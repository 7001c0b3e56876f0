"""Schedules in the policy file: a clear format, loaded into core Schedules; errors name the key."""

import tomllib
from datetime import date, datetime, timezone

import pytest
from marshmallow import Schema, ValidationError

from zendesk_escalator.core.sla.hours import Schedule, add_business_minutes
from zendesk_escalator.schemas.base import first_error
from zendesk_escalator.schemas.schedules import Schedules, ScheduleSchema


class PolicyWithSchedules(Schema):
    """How the policy file's schema takes the section."""

    schedules = Schedules(load_default=dict)


def load(text: str) -> dict[str, Schedule]:
    return PolicyWithSchedules().load(tomllib.loads(text))["schedules"]


EMEA = """
[schedules.emea]
time_zone = "Europe/Berlin"
hours = { monday = ["09:00-12:00", "13:00-17:00"], tuesday = "09:00-17:00", saturday = "20:00-24:00" }
holidays = ["2026-12-24..2026-12-26", "2026-12-31 .. 2027-01-01", 2027-05-01]
"""


def test_a_schedule_loads_into_the_core_type():
    us = '\n[schedules.us]\ntime_zone = "Eastern Time (US & Canada)"\nhours.sunday = "00:00-24:00"\n'
    schedules = load(EMEA + us)
    assert schedules["emea"] == Schedule(
        "Europe/Berlin",
        ((1980, 2160), (2220, 2460), (3420, 3900), (9840, 10080)),
        (
            (date(2026, 12, 24), date(2026, 12, 26)),
            (date(2026, 12, 31), date(2027, 1, 1)),
            (date(2027, 5, 1), date(2027, 5, 1)),
        ),
        name="emea",
    )
    assert schedules["us"].time_zone == "America/New_York" and schedules["us"].intervals == ((0, 1440),)
    assert schedules["us"].name == "us"


def test_the_loaded_schedule_computes():
    emea = load(EMEA)["emea"]
    wednesday_evening = datetime(2026, 12, 23, 18, tzinfo=timezone.utc)
    assert add_business_minutes(emea, wednesday_evening, 60) == datetime(2026, 12, 28, 9, tzinfo=timezone.utc)


def test_no_section_means_no_schedules():
    assert PolicyWithSchedules().load({}) == {"schedules": {}}


def test_the_schema_alone_loads_one_schedule():
    schedule = ScheduleSchema().load({"time_zone": "UTC", "hours": {"friday": ["08:00-16:00"]}})
    assert schedule == Schedule("UTC", ((5 * 1440 + 480, 5 * 1440 + 960),))


BASE = '[schedules.x]\ntime_zone = "UTC"\n'


@pytest.mark.parametrize(
    "text, key, problem",
    [
        ('[schedules.x]\nhours.monday = "09:00-17:00"', "schedules.x.time_zone", "Missing data"),
        (
            '[schedules.x]\ntime_zone = "Mars"\nhours.monday = "09:00-17:00"',
            "schedules.x.time_zone",
            "unknown time zone 'Mars'",
        ),
        (BASE, "schedules.x.hours", "Missing data"),
        (BASE + "hours = {}", "schedules.x.hours", "at least one interval"),
        (BASE + 'hours.mon = "09:00-17:00"', "schedules.x.hours.mon", "not a day: use monday"),
        (BASE + 'hours.monday = "9-5"', "schedules.x.hours.monday[1]", "'9-5' is not a shift"),
        (BASE + 'hours.monday = ["09:00-12:00", 13]', "schedules.x.hours.monday[2]", "13 is not a shift"),
        (BASE + 'hours.monday = "17:00-09:00"', "schedules.x.hours.monday[1]", "a night shift is two shifts"),
        (BASE + 'hours.monday = "09:00-09:00"', "schedules.x.hours.monday[1]", "must end after it starts"),
        (BASE + 'hours.monday = "09:00-24:30"', "schedules.x.hours.monday[1]", "from 00:00 to 24:00"),
        (BASE + 'hours.monday = "09:60-17:00"', "schedules.x.hours.monday[1]", "from 00:00 to 24:00"),
        (
            BASE + 'hours.monday = ["09:00-12:00", "11:00-13:00"]',
            "schedules.x.hours.monday",
            "shifts 09:00-12:00 and 11:00-13:00 overlap",
        ),
        (
            BASE + 'hours.monday = "09:00-17:00"\nholidays = ["2026-12-26..2026-12-24"]',
            "schedules.x.holidays[1]",
            "ends before it starts",
        ),
        (BASE + 'hours.monday = "09:00-17:00"\nholidays = ["24.12.2026"]', "schedules.x.holidays[1]", "not a holiday"),
        (
            BASE + 'hours.monday = "09:00-17:00"\nholidays = [2026-12-24T10:00:00]',
            "schedules.x.holidays[1]",
            "not a holiday",
        ),
        (BASE + 'hours.monday = "09:00-17:00"\nhoiday = "2027-01-01"', "schedules.x.hoiday", "Unknown field"),
        ('[schedules.EMEA]\ntime_zone = "UTC"\nhours.monday = "09:00-17:00"', "schedules.EMEA", "lower-case"),
        ('schedules = ["emea"]', "schedules", "expected tables of schedules by name"),
        ("schedules = { x = 1 }", "schedules.x", "expected a table with time_zone"),
    ],
)
def test_errors_name_the_key_and_the_problem(text, key, problem):
    with pytest.raises(ValidationError) as caught:
        load(text)
    found_key, found_problem = first_error(caught.value.messages)
    assert found_key == key and problem in found_problem
