"""The dashboard's view model: ages, SLA countdowns, next steps, decisions, inbox health, the chart's bars."""

from datetime import datetime, timedelta, timezone

import pytest

from zendesk_escalator.core.dashboard_view import (BAR, DAYS, PLOT_HEIGHT, TOP, Decided, InboxHealth, Moment, build,
                                                   chart, countdown, health_view, next_step, per_day)
from zendesk_escalator.core.lifecycle import ACTIVE, Episode

NOW = datetime(2026, 11, 23, 12, 10, tzinfo=timezone.utc)


def at(**delta) -> float:
    return (NOW + timedelta(**delta)).timestamp()


def sla_timer(breach_in: timedelta, metric: str = "first_reply_time", kind: str = "sla_warning") -> dict:
    return {"kind": kind, "metric": metric, "breach_at": (NOW + breach_in).timestamp(),
            "fire_at": (NOW + breach_in - timedelta(minutes=30)).timestamp(), "stage": "30 min before", "round": 0}


@pytest.mark.parametrize("breach_in, text, tone", [
    (timedelta(hours=4, minutes=50), "4 h 50 min left", "ok"),
    (timedelta(minutes=25), "25 min left", "soon"),
    (timedelta(hours=1), "1 h left", "soon"),
    (-timedelta(minutes=40), "breached 40 min ago", "late"),
    (timedelta(0), "breached 0 min ago", "late"),
])
def test_the_sla_countdown_says_the_time_left_or_since_the_breach(breach_in, text, tone):
    shown = countdown([sla_timer(breach_in)], NOW)
    assert (shown.text, shown.tone) == (text, tone)


def test_the_countdown_takes_the_nearest_breach_and_names_its_metric():
    shown = countdown([sla_timer(timedelta(hours=3), "next_reply_time"), sla_timer(timedelta(hours=1, minutes=5)),
                       sla_timer(timedelta(hours=1, minutes=5), kind="sla_breach")], NOW)
    assert shown.text == "1 h 5 min left"
    assert shown.about == "first reply time, breach at 2026-11-23 13:15 UTC"
    assert countdown([], NOW) is None


@pytest.mark.parametrize("timers, text", [
    ([], "—"),
    ([{"kind": "update_due", "at": at(minutes=40)}], "customer update due in 40 min"),
    ([{"kind": "update_due", "at": at(minutes=-70)}], "customer update due, 1 h 10 min overdue"),
    ([{"kind": "monitoring_end", "at": at(days=2, hours=3)}, {"kind": "update_due", "at": at(days=3)}],
     "monitoring ends in 2 d 3 h"),
])
def test_the_next_lifecycle_step(timers, text):
    assert next_step(timers, NOW) == text


def episode(ticket_id: int, opened: datetime, **changes) -> Episode:
    values = dict(ticket_id=ticket_id, state=ACTIVE, opened_at=opened, level=2, reason="production_down",
                  rule="impact", evidence=("tag production_down",), owner_id=900000000031)
    return Episode(**{**values, **changes})


def test_build_joins_each_open_escalation_with_its_own_timers():
    moments = [Moment(1, "timer", sla_timer(timedelta(minutes=20))),
               Moment(2, "lifecycle", {"kind": "update_due", "at": at(hours=1)}),
               Moment(3, "timer", sla_timer(timedelta(hours=9)))]  # a ticket without an open escalation
    health = InboxHealth({"pending": 4, "running": 1, "done": 9, "dead": 2}, retrying=1, oldest_due=at(seconds=-12))
    view = build([episode(1, NOW - timedelta(hours=3, minutes=10)), episode(2, NOW, owner_id=None, level=1)],
                 moments, [], health, [], NOW, {2: "engineering"})
    first, second = view.active
    assert (first.ticket_id, first.level, first.reason, first.owner, first.age) == (
        1, "2 (engineering)", "production_down", "user 900000000031", "3 h 10 min")
    assert first.sla.text == "20 min left" and first.next_step == "—" and first.opened == "2026-11-23 09:00 UTC"
    assert (second.level, second.owner, second.age, second.sla) == ("1", "—", "0 min", None)
    assert second.next_step == "customer update due in 1 h"
    assert view.generated == "2026-11-23 12:10 UTC"
    assert (view.health.pending, view.health.retrying, view.health.running, view.health.dead) == (4, 1, 1, 2)


def test_a_decision_shows_its_rule_detail_evidence_and_warnings():
    result = {"status": "escalated", "detail": "customer_cc at level 1", "rule": "customer_cc",
              "evidence": ["comment #90003 from the customer was sent to escalation@acme.example"],
              "warnings": ["the internal note was left out"], "api_calls": 3}
    view = build([], [], [Decided(35436, "notification", at(minutes=-12), result)], InboxHealth({}, 0, None), [], NOW)
    decision, = view.decisions
    assert (decision.ticket_id, decision.outcome, decision.rule, decision.ago, decision.at) == (
        35436, "escalated", "customer_cc", "12 min ago", "2026-11-23 11:58 UTC")
    assert decision.evidence == ("comment #90003 from the customer was sent to escalation@acme.example",)
    assert decision.warnings == ("the internal note was left out",)


@pytest.mark.parametrize("oldest_due, shown, tone", [
    (None, "none due", "ok"),
    (at(seconds=-12), "12 s", "ok"),
    (at(minutes=-5), "5 min", "behind"),
    (at(hours=-2, minutes=-1), "2 h 1 min", "behind"),
])
def test_inbox_health_says_how_long_the_oldest_due_row_waits(oldest_due, shown, tone):
    view = health_view(InboxHealth({"pending": 3}, 0, oldest_due), NOW)
    assert (view.oldest_due, view.tone, view.pending, view.dead) == (shown, tone, 3, 0)


def test_openings_are_counted_per_utc_day_for_the_last_fourteen_days():
    opened = [(at(), "customer_cc"), (at(hours=-12, minutes=-11), "customer_cc"), (at(hours=-12), "manual"),
              (at(days=-13), "manual"), (at(days=-14), "manual"), (at(days=1), "manual")]
    days, counts = per_day(opened, NOW)
    assert len(days) == DAYS and days[-1] == datetime(2026, 11, 23, tzinfo=timezone.utc)
    assert days[0] == datetime(2026, 11, 10, tzinfo=timezone.utc)
    assert counts == {(13, "customer_cc"): 1, (12, "customer_cc"): 1, (13, "manual"): 1, (0, "manual"): 1}


def test_the_chart_stacks_each_days_reasons_the_most_frequent_first():
    opened = [(at(), "customer_cc"), (at(minutes=-1), "customer_cc"), (at(minutes=-2), "manual"),
              (at(days=-1), "customer_cc"), (at(days=-5), "sla_breach")]
    shown = chart(opened, NOW)
    assert shown.total == 5 and shown.top == 3
    assert [(reason, total) for reason, _, total in shown.legend] == [
        ("customer_cc", 3), ("manual", 1), ("sla_breach", 1)]
    today = [bar for bar in shown.bars if bar.title.startswith("2026-11-23")]
    assert [bar.title for bar in today] == ["2026-11-23: 2 × customer_cc", "2026-11-23: 1 × manual"]
    cc, manual = today
    assert cc.y + cc.height == pytest.approx(TOP + PLOT_HEIGHT, abs=0.01)  # SVG numbers: two decimals
    assert manual.y + manual.height == pytest.approx(cc.y, abs=0.01)
    assert cc.height == pytest.approx(PLOT_HEIGHT * 2 / 3, abs=0.01) and cc.width == BAR
    assert cc.colour != manual.colour and len(shown.bars) == 4
    assert [label for _, label in shown.days][:2] == ["11-10", "11-11"] and shown.days[-1][1] == "11-23"


def test_an_empty_chart_still_has_its_days_and_a_scale():
    shown = chart([], NOW)
    assert (shown.bars, shown.legend, shown.total, shown.top) == ((), (), 0, 1) and len(shown.days) == DAYS
