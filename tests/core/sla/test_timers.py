"""SLA timers from Zendesk's clock, the re-check at fire time, and the decisions (tables, injected time)."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from zendesk_escalator.core.conditions import When
from zendesk_escalator.core.sla.hours import Schedule
from zendesk_escalator.core.sla.timer_check import decide_timer, stale_because
from zendesk_escalator.core.sla.timers import BREACH, OWN_TARGET, WARNING, Timer, timers_for
from zendesk_escalator.core.sla_policy import FallbackTarget, SlaPolicy, WarnRule
from zendesk_escalator.core.snapshot import Metric, Target, TicketSnapshot
from zendesk_escalator.core.snapshot_api import ticket_from_api
from zendesk_escalator.core.state import Standing

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
BREACH_AT = NOW + timedelta(hours=2)
MIN = timedelta(minutes=1)


@pytest.fixture
def sla_policy(policy):
    return replace(policy, sla=SlaPolicy(enabled=True, time_zone="Europe/Berlin"))


def ticket(*metrics, **changes):
    return TicketSnapshot(**{"id": 7, "status": "open", "priority": "high", "sla_metrics": metrics, **changes})


def active(name="first_reply_time", at=BREACH_AT):
    return Metric(name, "active", at)


def plan(timers):
    return sorted((t.kind, t.metric, t.fire_at - NOW, t.stage, t.round) for t in timers)


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


def test_after_the_breach_the_next_reminder_until_the_top_level(sla_policy):
    breached = ticket(active(at=NOW - 70 * MIN))
    assert plan(timers_for(breached, sla_policy, NOW)) == [
        (BREACH, "first_reply_time", -70 * MIN, "at the breach", 0),  # fires at once
        (BREACH, "first_reply_time", 50 * MIN, "2 h after the breach", 2),
    ]  # no warning: too late; the 1 h one passed
    at_breach, reminder = sorted(timers_for(breached, sla_policy, NOW), key=lambda t: t.round)
    # The episode, not the ticket's fields, says whether the top level is reached: the reminder then stands down.
    at_top = Standing(True, 3, BREACH, "active", recorded=True)
    assert stale_because(reminder, breached, sla_policy, standing=at_top) == (
        "already at level 3, the highest a breach raises to"
    )
    assert stale_because(reminder, breached, sla_policy, standing=replace(at_top, level=2)) is None
    assert stale_because(at_breach, breached, sla_policy, standing=replace(at_top, level=2)) == (
        "already escalated for an SLA breach at level 2"
    )  # a breach Zendesk moved after its escalation


def test_keys_follow_the_breach_so_a_moved_breach_makes_new_timers(sla_policy):
    before = {t.key for t in timers_for(ticket(active()), sla_policy, NOW)}
    after = {t.key for t in timers_for(ticket(active(at=BREACH_AT + 10 * MIN)), sla_policy, NOW + MIN)}
    assert before.isdisjoint(after) and len(after) == 2
    assert {t.key for t in timers_for(ticket(active()), sla_policy, NOW + 3 * MIN)} == before  # same plan, same keys
    timer = timers_for(ticket(active()), sla_policy, NOW)[0]
    assert Timer.from_payload(timer.to_payload()) == timer


def test_fallback_target_counts_business_hours_until_the_first_public_agent_reply(sla_policy):
    office = Schedule("Europe/Berlin", tuple((d * 1440 + 540, d * 1440 + 1020) for d in range(1, 6)))
    sla = replace(
        sla_policy.sla,
        fallback=(
            FallbackTarget(4 * 60 * MIN, When(priority=frozenset({"high"})), "office"),
            FallbackTarget(24 * 60 * MIN),
        ),
    )
    policy = replace(sla_policy, sla=sla, schedules={"office": office})
    friday_4pm = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)  # 16:00 in Berlin
    new = ticket(created_at=friday_4pm, agent_replies=0)
    timers = timers_for(new, policy, friday_4pm)
    (breach,) = [t for t in timers if t.kind == BREACH]
    assert breach.metric == OWN_TARGET
    assert breach.breach_at == datetime(2026, 11, 30, 11, 0, tzinfo=timezone.utc)  # Monday 12:00 Berlin
    assert timers_for(replace(new, agent_replies=1), policy, friday_4pm) == []
    assert timers_for(replace(new, agent_replies=None), policy, friday_4pm) == []  # not known: no guess
    low = timers_for(replace(new, priority="low"), policy, friday_4pm)
    assert [t.breach_at for t in low if t.kind == BREACH] == [friday_4pm + timedelta(days=1)]
    measured = replace(new, sla_metrics=(active(),))  # Zendesk's SLA policy applied since: it alone counts
    assert [t.metric for t in timers_for(measured, policy, friday_4pm)] == ["first_reply_time"] * 2
    assert stale_because(breach, measured, policy) == "Zendesk's SLA policy measures the ticket now"


@pytest.mark.parametrize(
    "now_ticket, reason",
    [
        (ticket(active()), None),
        (ticket(Metric("first_reply_time", "achieved", BREACH_AT)), "first reply time is achieved"),
        (ticket(Metric("first_reply_time", "paused", None)), "first reply time is paused"),
        (ticket(), "first reply time is no longer measured"),
        (ticket(active(at=BREACH_AT + MIN)), "the breach time has moved"),
        (ticket(active(), status="solved"), "the ticket is solved"),
    ],
)
def test_the_recheck_at_fire_time(sla_policy, now_ticket, reason):
    (timer,) = [t for t in timers_for(ticket(active()), sla_policy, NOW) if t.kind == WARNING]
    assert stale_because(timer, now_ticket, sla_policy) == reason


def test_the_decisions_warn_then_escalate_then_raise_the_level(sla_policy):
    warning, breach = sorted(timers_for(ticket(active()), sla_policy, NOW), key=lambda t: t.fire_at)
    warn = decide_timer(warning, ticket(active()), sla_policy, warning.fire_at)
    assert (warn.rule, warn.reason, warn.level, warn.reassign, warn.priority) == (WARNING, WARNING, 1, False, None)
    assert warn.evidence == (
        "first reply time breaches at 2026-11-23 13:00 CET (2026-11-23 12:00 UTC): 30 min left (30 min before)",
    )
    escalated = decide_timer(breach, ticket(active()), sla_policy, breach.fire_at + 2 * MIN)
    assert (escalated.reason, escalated.level, escalated.reassign) == (BREACH, 2, True)
    assert escalated.evidence == (
        "first reply time breached at 2026-11-23 13:00 CET (2026-11-23 12:00 UTC), 2 min ago",
    )
    at_level_2 = Standing(True, 2, BREACH, "active", recorded=True)
    reminder = replace(breach, round=1, fire_at=breach.fire_at + timedelta(hours=1))
    again = decide_timer(reminder, ticket(active()), sla_policy, reminder.fire_at, at_level_2)
    assert (again.level, again.reassign) == (3, False) and "still breached and unanswered" in again.evidence[0]


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC"])
def test_notes_in_utc_name_the_moment_once(sla_policy, zone):
    in_utc = replace(sla_policy, sla=replace(sla_policy.sla, time_zone=zone))
    warning = min(timers_for(ticket(active()), in_utc, NOW), key=lambda t: t.fire_at)
    assert decide_timer(warning, ticket(active()), in_utc, warning.fire_at).evidence == (
        "first reply time breaches at 2026-11-23 12:00 UTC: 30 min left (30 min before)",
    )
