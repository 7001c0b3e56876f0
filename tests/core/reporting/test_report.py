"""The report core: episodes and SLA timers in, counts, tallies, durations and breaches avoided out."""

from datetime import datetime, time, timedelta, timezone

import pytest
from support.report_cases import POLICY, SINCE, UNTIL, episode, timer

from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, MONITORING
from zendesk_escalator.core.reporting.report import (
    ACTED,
    ENDED,
    FAILED,
    WAITING,
    Durations,
    Tally,
    active_time,
    build_report,
    level_label,
    next_daily,
    sla_summary,
)

OWNER, OTHER = 900000000031, 900000000032


def report(episodes=(), timers=(), owners=None):
    return build_report(list(episodes), list(timers), SINCE, UNTIL, POLICY, owners)


def test_opened_closed_and_re_escalated_count_what_happened_inside_the_period():
    found = report(
        [
            episode(1, [(30, ACTIVE, "escalated")], level=2),  # opened before the period, still open
            episode(2, [(20, ACTIVE, "escalated"), (10, MONITORING, "solved"), (2, CLOSED, "monitored")]),
            episode(3, [(5, ACTIVE, "escalated"), (4, CLOSED, "deescalated")], reason="outage"),
            episode(4, [(50, ACTIVE, "escalated"), (40, MONITORING, "solved"), (6, ACTIVE, "reopened")]),
            episode(5, [(60, ACTIVE, "escalated"), (30, CLOSED, "monitored")]),  # all before the period
        ]
    )
    assert (found.opened, found.opened_by_reason) == (2, (("customer_cc", 1), ("outage", 1)))
    assert (found.closed, found.closed_by_cause) == (2, (("deescalated", 1), ("monitored", 1)))
    assert found.re_escalated == 1
    assert (found.open_active, found.open_monitoring) == (2, 0)


def test_open_escalations_by_level_and_by_owner_with_names_and_labels():
    found = report(
        [
            episode(1, [(30, ACTIVE, "escalated")], level=2, owner=OWNER),
            episode(2, [(20, ACTIVE, "escalated"), (10, MONITORING, "solved")], level=2, owner=OWNER),
            episode(3, [(5, ACTIVE, "escalated")], level=1, owner=OTHER),
            episode(4, [(3, ACTIVE, "escalated")], level=4),
        ],
        owners={OWNER: "Dana Lee"},
    )
    assert found.by_level == (
        Tally("1", "level 1 (team lead)", 1, 0),
        Tally("2", "level 2 (support manager)", 1, 1),
        Tally("4", "level 4", 1, 0),
    )
    assert found.by_owner == (
        Tally(str(OWNER), "Dana Lee", 1, 1),
        Tally("none", "no owner", 1, 0),
        Tally(str(OTHER), f"user {OTHER}", 1, 0),
    )  # the largest first, then by name
    assert [o.ticket_id for o in found.longest_open] == [1, 2, 3, 4]
    assert found.longest_open[0].owner == "Dana Lee" and found.longest_open[0].age == timedelta(hours=30)
    assert found.open_age == Durations(4, timedelta(hours=12.5), timedelta(hours=30))


def test_time_in_escalation_of_those_closed_and_the_part_spent_active():
    reopened = episode(
        1,
        [
            (20, ACTIVE, "escalated"),
            (16, MONITORING, "solved"),
            (12, ACTIVE, "reopened"),
            (10, MONITORING, "solved"),
            (1, CLOSED, "monitored"),
        ],
    )
    quick = episode(2, [(6, ACTIVE, "escalated"), (4, CLOSED, "deescalated")])
    found = report([reopened, quick])
    assert found.time_closed == Durations(2, timedelta(hours=10.5), timedelta(hours=19))
    assert active_time(reopened, UNTIL) == timedelta(hours=6)
    assert found.time_active_closed == Durations(2, timedelta(hours=4), timedelta(hours=6))
    assert report([]).time_closed == Durations(0, None, None)


def test_an_open_episode_is_active_until_now():
    assert active_time(episode(1, [(3, ACTIVE, "escalated")]), UNTIL) == timedelta(hours=3)


@pytest.mark.parametrize(
    "breach_state, outcome",
    [
        (ENDED, "avoided"),  # its breach timer found the metric achieved, the ticket solved, or it was superseded
        (ACTED, "breached"),
        (WAITING, "at_risk"),
        (FAILED, "at_risk"),  # a dead row says nothing about the breach
        (None, "at_risk"),  # no breach timer in the store: never counted as avoided
    ],
)
def test_a_warned_breach_is_decided_by_its_own_breach_timer(breach_state, outcome):
    timers = [timer("sla_warning", 7, 3, ACTED, 3.5)]
    if breach_state:
        timers.append(timer("sla_breach", 7, 3, breach_state, 3))
    summary = sla_summary(timers, SINCE, UNTIL)
    assert (summary.avoided, summary.breached_after_warning, summary.at_risk) == (
        int(outcome == "avoided"),
        int(outcome == "breached"),
        int(outcome == "at_risk"),
    )
    assert summary.avoided_tickets == ((7,) if outcome == "avoided" else ())


def test_breaches_avoided_count_the_warned_moments_inside_the_period_once_each():
    summary = sla_summary(
        [
            timer("sla_warning", 1, 2, ACTED, 3),
            timer("sla_warning", 1, 2, ACTED, 2.5),  # two stages, one moment
            timer("sla_breach", 1, 2, ENDED, 2.2),
            timer("sla_warning", 1, 2, ACTED, 3, metric="next_reply_time"),  # another metric: another moment
            timer("sla_breach", 1, 2, ENDED, 2.1, metric="next_reply_time"),
            timer("sla_warning", 2, 30, ACTED, 31),
            timer("sla_breach", 2, 30, ENDED, 30),  # before the period
            timer("sla_warning", 3, -0.25, ACTED, 0.1),
            timer("sla_breach", 3, -0.25, WAITING, 0.5),  # still to come
            timer("sla_warning", 4, 5, ENDED, 5.5),
            timer("sla_breach", 4, 5, ENDED, 5),  # never warned
        ],
        SINCE,
        UNTIL,
    )
    assert (summary.avoided, summary.avoided_tickets, summary.at_risk) == (2, (1,), 1)
    assert summary.warnings == 4  # warning timers that acted in the period (ticket 2's acted before it)


def test_a_moved_breach_counts_the_old_moment_as_avoided_and_the_new_one_on_its_own():
    summary = sla_summary(
        [
            timer("sla_warning", 1, 6, ACTED, 6.5),
            timer("sla_breach", 1, 6, ENDED, 6.2),  # superseded: moved
            timer("sla_warning", 1, 2, ACTED, 2.5),
            timer("sla_breach", 1, 2, ACTED, 2),  # the new moment breached
        ],
        SINCE,
        UNTIL,
    )
    assert (summary.avoided, summary.breached_after_warning) == (1, 1)


def test_breaches_and_reminders_that_acted_in_the_period():
    summary = sla_summary(
        [
            timer("sla_breach", 1, 5, ACTED, 5),
            timer("sla_breach", 1, 5, ACTED, 4, n=1),
            timer("sla_breach", 1, 5, ACTED, 3, n=2),
            timer("sla_breach", 2, 30, ACTED, 30),
            timer("sla_breach", 3, 1, ENDED, 1),
        ],
        SINCE,
        UNTIL,
    )
    assert (summary.breaches, summary.reminders, summary.breached_after_warning) == (1, 2, 0)


def test_levels_are_labelled_with_their_names():
    assert level_label(2, POLICY) == "level 2 (support manager)" and level_label(9, POLICY) == "level 9"


@pytest.mark.parametrize(
    "after, expected",
    [
        ("2026-11-23T06:59:00+00:00", "2026-11-23T07:00:00+00:00"),  # 08:00 in Berlin is 07:00 UTC in winter
        ("2026-11-23T07:00:00+00:00", "2026-11-24T07:00:00+00:00"),  # strictly after
        ("2026-03-28T12:00:00+00:00", "2026-03-29T06:00:00+00:00"),  # the clocks go forward that night
        ("2026-10-24T12:00:00+00:00", "2026-10-25T07:00:00+00:00"),  # and back
    ],
)
def test_the_next_daily_moment_is_local_time_through_daylight_saving(after, expected):
    moment = next_daily(datetime.fromisoformat(after), time(8, 0), "Europe/Berlin")
    assert moment == datetime.fromisoformat(expected)


def test_a_zendesk_time_zone_name_works_too():
    moment = next_daily(datetime(2026, 11, 23, 12, tzinfo=timezone.utc), time(7, 30), "Eastern Time (US & Canada)")
    assert moment == datetime(2026, 11, 23, 12, 30, tzinfo=timezone.utc)
