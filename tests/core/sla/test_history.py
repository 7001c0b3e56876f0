"""Zendesk's SLA clock at any past moment, from its metric events: stages, breach times, targets."""

from datetime import datetime, timedelta, timezone

from support.fake_history import metric

from zendesk_escalator.core.sla.history import clocks_at, histories_from_export, moments
from zendesk_escalator.core.snapshot import Metric, Target

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
MIN = timedelta(minutes=1)


def first_reply(*events):
    return histories_from_export(
        [metric(7, "reply_time", kind, T0 + offset, **extra) for kind, offset, extra in events]
    )


def test_the_clock_as_it_stood_before_during_and_after():
    clocks = first_reply(
        ("activate", 0 * MIN, {}),
        ("apply_sla", 0 * MIN, {"target": 60}),
        ("breach", 60 * MIN, {}),
        ("fulfill", 90 * MIN, {}),
    )[7]
    assert clocks_at(clocks, T0 - MIN) == ((), ())
    breach = T0 + 60 * MIN
    assert clocks_at(clocks, T0 + 70 * MIN) == (
        (Metric("first_reply_time", "active", breach),),
        (Target("reply_time", 60.0, False),),
    )
    assert clocks_at(clocks, T0 + 90 * MIN)[0] == (Metric("first_reply_time", "achieved", breach),)
    assert moments(clocks) == [T0, T0 + 90 * MIN]


def test_a_deleted_breach_did_not_happen_and_a_pause_stops_the_clock():
    clocks = first_reply(
        ("activate", 0 * MIN, {}),
        ("breach", 60 * MIN, {"deleted": True}),
        ("pause", 20 * MIN, {}),
        ("activate", 40 * MIN, {}),
        ("breach", 80 * MIN, {}),
    )[7]
    assert clocks_at(clocks, T0 + 30 * MIN)[0] == (Metric("first_reply_time", "paused", T0 + 80 * MIN),)
    assert clocks_at(clocks, T0 + 50 * MIN)[0] == (Metric("first_reply_time", "active", T0 + 80 * MIN),)


def test_a_later_reply_instance_is_the_next_reply_and_other_metrics_keep_their_names():
    events = [
        metric(7, "reply_time", "activate", T0),
        metric(7, "reply_time", "fulfill", T0 + MIN),
        metric(7, "reply_time", "activate", T0 + 5 * MIN, instance=2),
        metric(7, "agent_work_time", "activate", T0),
        metric(8, "reply_time", "activate", T0),
    ]
    histories = histories_from_export(events + [dict(events[0])])
    names = {m.name: m.stage for m in clocks_at(histories[7], T0 + 10 * MIN)[0]}
    assert names == {"first_reply_time": "achieved", "next_reply_time": "active", "agent_work_time": "active"}
    assert set(histories) == {7, 8}


def test_a_clock_running_since_before_the_period_counts_from_its_start():
    since = T0 - 30 * MIN
    clocks = histories_from_export([metric(7, "reply_time", "breach", T0 + 60 * MIN)], since)[7]
    assert clocks_at(clocks, since) == ((Metric("first_reply_time", "active", T0 + 60 * MIN),), ())
    assert histories_from_export([metric(7, "reply_time", "breach", T0)])[7][0].stages == ()
