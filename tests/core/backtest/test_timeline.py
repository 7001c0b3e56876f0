"""The backtest's timeline: by moment, then kind (changes before the referrals, clock, timers and moments they lead
to), then ticket, then first pushed; nothing past `until`; a ticket's timers of one moment taken together."""

from datetime import datetime, timedelta, timezone

from zendesk_escalator.core.backtest.timeline import CHANGE, CLOCK, MOMENT, REFERRAL, TIMER, Timeline

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(minutes=1)


def test_things_come_by_moment_then_kind_then_ticket_then_first_pushed():
    timeline = Timeline()
    for at, kind, ticket, item in [
        (T1, CHANGE, 1, "later"),
        (T0, MOMENT, 1, "moment"),
        (T0, TIMER, 2, "timer 2"),
        (T0, REFERRAL, 1, "referral"),
        (T0, CHANGE, 2, "change 2"),
        (T0, CHANGE, 1, "change 1a"),
        (T0, CHANGE, 1, "change 1b"),
        (T0, CLOCK, 1, None),
    ]:
        timeline.push(at, kind, ticket, item)
    popped = []
    while (step := timeline.pop_until(T1)) is not None:
        popped.append(step[2])
    assert popped == ["change 1a", "change 1b", "change 2", "referral", None, "timer 2", "moment", "later"]


def test_nothing_past_until_is_taken():
    timeline = Timeline()
    timeline.push(T1, CHANGE, 1, "later")
    assert timeline.pop_until(T0) is None
    assert timeline.pop_until(T1) == (T1, 1, "later") and timeline.pop_until(T1) is None


def test_a_tickets_other_timers_of_the_same_moment_are_taken_together():
    timeline = Timeline()
    for at, ticket, item in [(T0, 1, "warning"), (T0, 1, "breach"), (T0, 2, "other ticket"), (T1, 1, "next")]:
        timeline.push(at, TIMER, ticket, item)
    assert timeline.pop_until(T1) == (T0, 1, "warning")
    assert timeline.timers_also_due(T0, 1) == ["breach"]
    assert timeline.pop_until(T1) == (T0, 2, "other ticket")
