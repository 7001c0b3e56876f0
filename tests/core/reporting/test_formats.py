"""The report written out: Markdown for people and Zendesk notes, CSV for spreadsheets, JSON for programs."""

import csv
import io
import json
from dataclasses import replace
from datetime import timedelta

from support.report_cases import POLICY, SINCE, UNTIL, ago, episode, timer

from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, MONITORING
from zendesk_escalator.core.policy import ReportPolicy
from zendesk_escalator.core.reporting.formats import render_csv, render_json, render_markdown
from zendesk_escalator.core.reporting.report import ACTED, ENDED, build_report

EPISODES = [
    episode(35436, [(30, ACTIVE, "escalated")], level=2, owner=900000000031),
    episode(
        35437, [(20, ACTIVE, "escalated"), (10, MONITORING, "solved"), (2, CLOSED, "monitored")], reason="sla_breach"
    ),
    episode(35438, [(5, ACTIVE, "escalated"), (3, MONITORING, "solved")], reason="outage"),
]
TIMERS = [
    timer("sla_warning", 35439, 3, ACTED, 3.5),
    timer("sla_breach", 35439, 3, ENDED, 3.2),
    timer("sla_breach", 35437, 21, ACTED, 21),
]
BERLIN = replace(POLICY, report=ReportPolicy(time_zone="Europe/Berlin"))


def full_report():
    return build_report(EPISODES, TIMERS, SINCE, UNTIL, BERLIN, {900000000031: "Dana Lee"})


def test_markdown_says_it_all_in_headings_and_lists():
    text = render_markdown(full_report(), "Escalations: daily report of 2026-11-24")
    assert text.splitlines()[:3] == [
        "# Escalations: daily report of 2026-11-24",
        "",
        "2026-11-23 09:00 CET – 2026-11-24 09:00 CET (1 d)",
    ]
    assert "- Opened: 2 (outage 1, sla_breach 1)" in text and "- Closed: 1 (after monitoring 1)" in text
    assert "- Time in escalation of those closed: median 18 h, longest 18 h; active until solved: median 10 h" in text
    assert "## Open now: 2 (1 active, 1 monitoring)" in text
    assert "- level 1 (team lead): 1 monitoring" in text and "- level 2 (support manager): 1 active" in text
    assert "- Dana Lee: 1 active" in text and "- no owner: 1 monitoring" in text
    assert "- #35436: level 2, active, open since 2026-11-23 03:00 CET (1 d 6 h), customer_cc, Dana Lee" in text
    assert "- Breaches avoided: 1 (#35439); breached after a warning: 0" in text
    assert "|" not in text  # no tables: a Zendesk comment shows the text as written


def test_an_empty_period_says_none_rather_than_nothing():
    text = render_markdown(build_report([], [], SINCE, UNTIL, POLICY))
    assert "- Opened: 0\n- Closed: 0\n" in text and "## Open now: 0 (0 active, 0 monitoring)\n" in text
    assert "Time in escalation of those closed: none; active until solved: none" in text
    assert "By level" not in text


def test_csv_has_one_figure_a_row():
    rows = list(csv.DictReader(io.StringIO(render_csv(full_report()))))
    figures = {(r["metric"], r["by"], r["key"]): (r["label"], r["value"]) for r in rows}
    assert figures[("period", "time_zone", "")] == ("", "Europe/Berlin")
    assert figures[("opened", "", "")] == ("", "2") and figures[("opened", "reason", "outage")] == ("", "1")
    assert figures[("open_active", "owner", "900000000031")] == ("Dana Lee", "1")
    assert figures[("open_monitoring", "level", "1")] == ("level 1 (team lead)", "1")
    assert figures[("time_closed_minutes", "median", "")] == ("", "1080")
    assert figures[("open_longest", "ticket", "35436")] == ("level 2, active, customer_cc, Dana Lee", "1800")
    assert figures[("breaches_avoided", "", "")] == ("", "1")
    assert figures[("breaches_avoided", "ticket", "35439")] == ("", "1")
    assert figures[("sla_breaches", "", "")] == ("", "1") and figures[("breached_after_warning", "", "")] == ("", "0")


def test_json_holds_the_same_figures_with_utc_moments_and_minutes():
    found = json.loads(render_json(full_report()))
    assert found["period"] == {
        "since": "2026-11-23T08:00:00Z",
        "until": "2026-11-24T08:00:00Z",
        "time_zone": "Europe/Berlin",
    }
    assert found["opened"] == {"total": 2, "by_reason": {"outage": 1, "sla_breach": 1}}
    assert found["time_in_escalation_minutes"]["closed"] == {"count": 1, "median": 1080, "longest": 1080}
    assert found["open"]["by_owner"][0] == {"key": "900000000031", "label": "Dana Lee", "active": 1, "monitoring": 0}
    assert found["open"]["longest"][0] == {
        "ticket_id": 35436,
        "state": "active",
        "level": 2,
        "reason": "customer_cc",
        "owner": "Dana Lee",
        "opened_at": "2026-11-23T02:00:00Z",
        "age_minutes": 1800,
    }
    assert found["sla"]["breaches_avoided"] == 1 and found["sla"]["breaches_avoided_tickets"] == [35439]


def test_durations_round_to_minutes():
    found = json.loads(
        render_json(build_report([episode(1, [(1.0 / 7, ACTIVE, "escalated")])], [], SINCE, UNTIL, POLICY))
    )
    assert found["open"]["age_minutes"] == {"count": 1, "median": 9, "longest": 9}
    assert UNTIL - ago(1.0 / 7) < timedelta(minutes=9)
