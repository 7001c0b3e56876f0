"""A schedule's checks: week-minute intervals and holiday date pairs, refused with the reason."""

from datetime import date

import pytest
from support.schedule_cases import WEEKDAYS_9_17

from zendesk_escalator.core.sla.hours import Schedule
from zendesk_escalator.core.sla.schedule_checks import ScheduleError


@pytest.mark.parametrize(
    "intervals, holidays, problem",
    [
        ((), (), "at least one interval"),
        (((1440 + 23 * 60, 2 * 1440 + 60),), (), "Monday 23:00-Tuesday 01:00 crosses midnight"),
        (((1980, 2460), (2400, 2500)), (), "overlap at Monday 16:00"),
        (((600, 600),), (), "start < end"),
        (((-60, 60),), (), "start < end"),
        (((9000, 10081),), (), "start < end"),
        (((1980.5, 2460),), (), "pair of whole week minutes"),
        (((True, 2460),), (), "pair of whole week minutes"),
        (((1980,),), (), "pair of whole week minutes"),
        (WEEKDAYS_9_17, ((date(2026, 12, 26), date(2026, 12, 24)),), "ends before it starts"),
        (WEEKDAYS_9_17, (("2026-12-24", "2026-12-26"),), "pair of dates"),
        (WEEKDAYS_9_17, (date(2026, 12, 24),), "pair of dates"),
    ],
)
def test_bad_schedules_say_why(intervals, holidays, problem):
    with pytest.raises(ScheduleError, match=problem):
        Schedule("UTC", intervals, holidays)
