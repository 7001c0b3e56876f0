"""SLA timers from Zendesk's clock, the re-check at fire time, and the decisions (tables, injected time)."""

from dataclasses import replace

import pytest
from support.sla_timer_cases import BREACH_AT, MIN, NOW, active, plan, ticket, with_sla

from zendesk_escalator.core.conditions import When
from zendesk_escalator.core.sla.hours import Schedule
from zendesk_escalator.core.sla.timers import BREACH, WARNING, Timer, timers_for
from zendesk_escalator.core.sla_policy import WarnRule
from zendesk_escalator.core.snapshot import Metric, Target
from zendesk_escalator.core.snapshot_api import ticket_from_api


@pytest.fixture
def sla_policy(policy):
    return with_sla(policy)


def test_a_warning_before_and_an_escalation_at_the_breach(sla_policy):
    assert plan(timers_for(ticket(active()), sla_policy, NOW)) == [
        (BREACH, "first_reply_time", 120 * MIN, "at the breach", 0),
        (WARNING, "first_reply_time", 90 * MIN, "30 min before", 0),
    ]


@pytest.mark.parametrize(
    "metric",
    [
        Metric("first_reply_time", "paused", None),
        Metric("first_reply_time", "achieved", NOW - MIN),
        Metric("next_reply_time", "active", None),
    ],
)
def test_paused_achieved_or_unset_metrics_need_no_timer(sla_policy, metric):
    assert timers_for(ticket(metric), sla_policy, NOW) == []


def test_solved_tickets_and_a_disabled_sla_need_none(sla_policy, policy):
    assert timers_for(ticket(active(), status="solved"), sla_policy, NOW) == []
    assert timers_for(ticket(active()), policy, NOW) == []  # no [sla] in the policy


def test_per_priority_warnings_grace_and_only_the_metrics_asked_for(sla_policy):
    sla = replace(
        sla_policy.sla,
        warn=(WarnRule(15 * MIN, When(priority=frozenset({"high"})), "next_reply_time"),),
        grace=5 * MIN,
        metrics=frozenset({"first_reply_time", "next_reply_time"}),
    )
    timers = timers_for(
        ticket(active(), active("next_reply_time"), active("agent_work_time")), replace(sla_policy, sla=sla), NOW
    )
    assert plan(timers) == [
        (BREACH, "first_reply_time", 125 * MIN, "5 min after the breach", 0),
        (BREACH, "next_reply_time", 125 * MIN, "5 min after the breach", 0),
        (WARNING, "first_reply_time", 90 * MIN, "30 min before", 0),
        (WARNING, "next_reply_time", 105 * MIN, "15 min before", 0),
    ]


def test_percentage_stages_count_back_from_the_breach_in_the_targets_hours(sla_policy):
    sla = replace(sla_policy.sla, stages=(75, 90), warn_before=None)
    weekdays_9_to_17 = Schedule("UTC", tuple((day * 1440 + 540, day * 1440 + 1020) for day in range(1, 6)))
    applied = ticket(active(), sla_targets=(Target("reply_time", 240.0, True),))
    timers = timers_for(applied, replace(sla_policy, sla=sla), NOW, account=weekdays_9_to_17)
    # breach Monday 12:00; a 4 h business target: 75 % is 1 h before, 90 % 24 min before
    assert plan(timers) == [
        (BREACH, "first_reply_time", 120 * MIN, "at the breach", 0),
        (WARNING, "first_reply_time", 60 * MIN, "75 % of the target", 0),
        (WARNING, "first_reply_time", 96 * MIN, "90 % of the target", 0),
    ]
    calendar = ticket(active(), sla_targets=(Target("reply_time", 240.0, False),))
    assert [t.fire_at - NOW for t in timers_for(calendar, replace(sla_policy, sla=sla), NOW) if t.kind == WARNING] == [
        60 * MIN,
        96 * MIN,
    ]  # 75 % of 4 calendar hours: 1 h before the breach
    not_read_yet = timers_for(applied, replace(sla_policy, sla=sla), NOW)  # the account's schedule unknown
    assert plan(not_read_yet) == [(BREACH, "first_reply_time", 120 * MIN, "at the breach", 0)]


def test_apply_sla_metric_events_give_the_targets():
    raw = {
        "ticket": {
            "id": 1,
            "metric_events": {
                "reply_time": [
                    {
                        "id": 1,
                        "ticket_id": 1,
                        "metric": "reply_time",
                        "instance_id": 1,
                        "type": "activate",
                        "time": "x",
                    },
                    {
                        "id": 2,
                        "ticket_id": 1,
                        "metric": "reply_time",
                        "instance_id": 1,
                        "type": "apply_sla",
                        "time": "x",
                        "sla": {
                            "target": 240,
                            "business_hours": True,
                            "policy": {"id": 5, "title": "Gold"},
                            "target_in_seconds": 14400,
                        },
                    },
                ],
                "resolution_time": [{"id": 3, "type": "measure"}],
            },
        }
    }
    assert ticket_from_api(raw).sla_targets == (Target("reply_time", 240.0, True),)


def test_keys_follow_the_breach_so_a_moved_breach_makes_new_timers(sla_policy):
    before = {t.key for t in timers_for(ticket(active()), sla_policy, NOW)}
    after = {t.key for t in timers_for(ticket(active(at=BREACH_AT + 10 * MIN)), sla_policy, NOW + MIN)}
    assert before.isdisjoint(after) and len(after) == 2
    assert {t.key for t in timers_for(ticket(active()), sla_policy, NOW + 3 * MIN)} == before  # same plan, same keys
    timer = timers_for(ticket(active()), sla_policy, NOW)[0]
    assert Timer.from_payload(timer.to_payload()) == timer
