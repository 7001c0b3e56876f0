"""The timer's check at fire time: stale or due, warn then escalate then raise the level, notes in UTC."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from support.sla_timer_cases import BREACH_AT, MIN, NOW, active, plan, ticket, with_sla

from zendesk_escalator.core.conditions import When
from zendesk_escalator.core.sla.hours import Schedule
from zendesk_escalator.core.sla.timer_check import decide_timer, stale_because
from zendesk_escalator.core.sla.timers import BREACH, OWN_TARGET, WARNING, timers_for
from zendesk_escalator.core.sla_policy import FallbackTarget
from zendesk_escalator.core.snapshot import Metric
from zendesk_escalator.core.state import Standing


@pytest.fixture
def sla_policy(policy):
    return with_sla(policy)


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
