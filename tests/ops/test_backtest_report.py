"""The backtest's table and JSON: the header says what was read and what history cannot tell."""

import json
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from zendesk_escalator.core.backtest.findings import Finding
from zendesk_escalator.core.policy import LifecyclePolicy, RecurringPolicy
from zendesk_escalator.ops.backtest_report import EMAIL_LIMIT, LIMITS, Report, limits, render_json, render_table

END = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
CALLS = Counter(
    {
        ("GET", "/api/v2/incremental/ticket_events.json", 200): 3,
        ("GET", "/api/v2/incremental/ticket_events.json", 429): 1,
        ("GET", "/api/v2/users/show_many.json", 200): 1,
    }
)
FINDINGS = [
    Finding(
        7,
        datetime(2026, 11, 2, 10, 15, tzinfo=timezone.utc),
        "escalated",
        "customer_cc",
        "customer_cc",
        1,
        (
            "comment #5 from the customer was sent to escalation@acme.example",
            "escalation@acme.example is CC'd on the ticket",
        ),
    ),
    Finding(
        12345,
        datetime(2026, 11, 3, 8, 0, tzinfo=timezone.utc),
        "raised",
        "sla_breach",
        "sla_breach",
        2,
        ("first reply time breached at 2026-11-03 08:00 UTC, 0 min ago",),
        "at the breach",
    ),
]


def report(findings=FINDINGS, notes=()):
    return Report(END - timedelta(days=30), END, "escalation.toml", 9, 42, CALLS, 75.0, list(findings), list(notes))


def test_the_table_has_a_header_a_row_per_update_with_its_evidence_and_a_summary():
    lines = render_table(report(notes=["the account's schedule could not be read"])).splitlines()
    assert (
        lines[0] == "zendesk-escalator backtest of escalation.toml: 2026-10-24 09:00 to 2026-11-23 09:00 UTC (30 days)"
    )
    assert lines[1] == (
        "Replayed 42 update(s) of 9 ticket(s); Zendesk API calls: 5 (GET only; 1 answered 429; "
        "75 s waited for the limit)"
    )
    assert lines[3] == "  - the account's schedule could not be read" and lines[4] == f"  - {LIMITS[0]}"
    table = lines[lines.index("TICKET  WHEN (UTC)        WHAT       LEVEL  RULE         REASON       STAGE") :]
    assert table[1:5] == [
        "7       2026-11-02 10:15  escalated  1      customer_cc  customer_cc",
        "        - comment #5 from the customer was sent to escalation@acme.example",
        "        - escalation@acme.example is CC'd on the ticket",
        "12345   2026-11-03 08:00  raised     2      sla_breach   sla_breach   at the breach",
    ]
    assert "Summary: 2 ticket(s) escalated; 1 escalation(s), 1 level raise(s), 0 other update(s)" in lines
    assert "  tickets per day: 2026-11-02 1, 2026-11-03 1" in lines


def test_nothing_to_report_is_said_in_words():
    text = render_table(report(findings=[]))
    assert "\nNothing would have been escalated.\n" in text and "by reason:       -" in text


def test_the_json_has_every_finding_the_calls_and_the_limits():
    body = json.loads(render_json(report()))
    assert body["period"] == {"start": "2026-10-24T09:00:00Z", "end": "2026-11-23T09:00:00Z"}
    assert body["replayed"] == {"tickets": 9, "updates": 42}
    assert body["api_calls"] == {
        "total": 5,
        "rate_limited": 1,
        "waited_seconds": 75.0,
        "by_endpoint": {"GET /api/v2/incremental/ticket_events.json": 4, "GET /api/v2/users/show_many.json": 1},
    }
    assert body["findings"][1] == {
        "ticket_id": 12345,
        "at": "2026-11-03T08:00:00Z",
        "kind": "raised",
        "rule": "sla_breach",
        "reason": "sla_breach",
        "level": 2,
        "stage": "at the breach",
        "evidence": ["first reply time breached at 2026-11-03 08:00 UTC, 0 min ago"],
    }
    assert body["cannot_tell"] == list(LIMITS) and body["summary"]["by_level"] == {"1": 1, "2": 1}


def test_email_lifecycle_and_recurring_limits_only_when_the_policy_has_them(policy):
    without_email = replace(policy, email=replace(policy.email, enabled=False))
    assert limits(without_email) == LIMITS
    assert limits(policy) == LIMITS + (EMAIL_LIMIT,)
    both = replace(
        without_email,
        lifecycle=LifecyclePolicy(enabled=True),
        recurring=RecurringPolicy(enabled=True, within=timedelta(days=7)),
    )
    extra = limits(both)[len(LIMITS) :]
    assert extra[0].startswith("Lifecycle: escalations already open when the period began")
    assert "a run in the period's first 7 d may be missed" in extra[1]


def test_lifecycle_steps_get_their_own_summary_line():
    steps = FINDINGS + [
        Finding(
            7,
            datetime(2026, 11, 4, 9, 0, tzinfo=timezone.utc),
            "monitoring",
            "lifecycle",
            "customer_cc",
            1,
            ("the ticket was solved: monitoring until 2026-11-07 09:00 UTC",),
        )
    ]
    lines = render_table(report(findings=steps)).splitlines()
    assert "  lifecycle:       monitoring 1" in lines
    assert "Summary: 2 ticket(s) escalated; 1 escalation(s), 1 level raise(s), 1 other update(s)" in lines
    assert "lifecycle:" not in render_table(report())
