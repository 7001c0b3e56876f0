"""The dashboard's chart: escalations opened per UTC day by reason, as stacked bars."""

from datetime import datetime, timedelta, timezone

import pytest

from zendesk_escalator.core.reporting.dashboard_chart import BAR, DAYS, PLOT_HEIGHT, TOP, chart, per_day

NOW = datetime(2026, 11, 23, 12, 10, tzinfo=timezone.utc)


def at(**delta) -> float:
    return (NOW + timedelta(**delta)).timestamp()


def test_openings_are_counted_per_utc_day_for_the_last_fourteen_days():
    opened = [
        (at(), "customer_cc"),
        (at(hours=-12, minutes=-11), "customer_cc"),
        (at(hours=-12), "manual"),
        (at(days=-13), "manual"),
        (at(days=-14), "manual"),
        (at(days=1), "manual"),
    ]
    days, counts = per_day(opened, NOW)
    assert len(days) == DAYS and days[-1] == datetime(2026, 11, 23, tzinfo=timezone.utc)
    assert days[0] == datetime(2026, 11, 10, tzinfo=timezone.utc)
    assert counts == {(13, "customer_cc"): 1, (12, "customer_cc"): 1, (13, "manual"): 1, (0, "manual"): 1}


def test_the_chart_stacks_each_days_reasons_the_most_frequent_first():
    opened = [
        (at(), "customer_cc"),
        (at(minutes=-1), "customer_cc"),
        (at(minutes=-2), "manual"),
        (at(days=-1), "customer_cc"),
        (at(days=-5), "sla_breach"),
    ]
    shown = chart(opened, NOW)
    assert shown.total == 5 and shown.top == 3
    assert [(reason, total) for reason, _, total in shown.legend] == [
        ("customer_cc", 3),
        ("manual", 1),
        ("sla_breach", 1),
    ]
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
