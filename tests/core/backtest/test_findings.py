"""The backtest's findings: what each step the service would have taken is called, and the counts."""

from datetime import datetime, timedelta, timezone

from zendesk_escalator.core.backtest.findings import REVIEW, Finding, finding_of, summarize
from zendesk_escalator.core.escalation.rules import Decision
from zendesk_escalator.core.lifecycle.episode import CLOSED, DEESCALATED, MONITORING, REOPENED, escalated
from zendesk_escalator.core.lifecycle.transitions import Move
from zendesk_escalator.core.snapshot import TicketSnapshot
from zendesk_escalator.core.state import NOT_ESCALATED, Standing

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
MIN = timedelta(minutes=1)
TICKET = TicketSnapshot(id=7, status="open")
CC = Decision("customer_cc", "customer_cc", 1, evidence=("comment #5 from the customer was sent to x",))


def test_escalations_by_the_episode_before_the_step():
    escalated_already = Standing(True, 1, "customer_cc", "active", recorded=True)
    assert finding_of(TICKET, NOT_ESCALATED, Move("escalated", {}, None), CC, T0).kind == "escalated"
    assert finding_of(TICKET, escalated_already, Move("escalated", {}, None), CC, T0).kind == "noted"
    raised = Decision("impact", "outage", 2)
    assert finding_of(TICKET, escalated_already, Move("escalated", {}, None), raised, T0).kind == "raised"


def test_lifecycle_steps_say_what_the_episode_records(policy):
    episode = escalated(None, CC, TICKET, policy, T0)
    monitoring = episode.moved(T0 + MIN, MONITORING, "solved", "monitoring until 2026-11-19 09:01 UTC")
    reopened = monitoring.moved(T0 + 2 * MIN, "active", REOPENED, "the problem recurred while monitoring")
    agreed = episode.moved(T0 + MIN, CLOSED, DEESCALATED, "comment #9: customer agreed")
    found = [
        finding_of(TICKET, episode.standing, Move("solved", {}, monitoring), None, T0),
        finding_of(TICKET, episode.standing, Move(REOPENED, {}, reopened), None, T0),
        finding_of(TICKET, episode.standing, Move("re-escalated", {}, reopened), Decision("impact", "outage", 2), T0),
        finding_of(TICKET, episode.standing, Move(DEESCALATED, None, agreed, needs_review=True), None, T0),
        finding_of(TICKET, episode.standing, Move("deescalation_refused", {}, episode), None, T0),
    ]
    assert [(f.kind, f.rule, f.reason, f.evidence) for f in found] == [
        ("monitoring", "lifecycle", "customer_cc", ("the ticket was solved: monitoring until 2026-11-19 09:01 UTC",)),
        (
            "re-escalated",
            "lifecycle",
            "customer_cc",
            ("the ticket was reopened while monitoring: the problem recurred",),
        ),
        ("re-escalated", "impact", "outage", ()),
        ("de-escalated", "lifecycle", "customer_cc", ("the customer's agreement: comment #9: customer agreed", REVIEW)),
        (
            "refused",
            "lifecycle",
            "customer_cc",
            ("de-escalation asked without an agent's note recording the customer's agreement",),
        ),
    ]
    assert finding_of(TICKET, episode.standing, Move("on_plan", None, episode), None, T0) is None  # nothing sent


def test_the_summary_counts_escalations_and_raises_by_rule_reason_level_and_day():
    at = T0
    findings = [
        Finding(1, at, "escalated", "impact", "outage", 2),
        Finding(1, at + MIN, "raised", "impact", "data_loss", 3),
        Finding(2, at + timedelta(days=1), "escalated", "customer_cc", "customer_cc", 1),
        Finding(2, at + timedelta(days=1), "acknowledged", "manual_request", "customer_cc", 1),
    ]
    assert summarize(findings) == {
        "tickets": 2,
        "escalations": 2,
        "raises": 1,
        "other_updates": 1,
        "by_rule": {"customer_cc": 1, "impact": 2},
        "by_reason": {"customer_cc": 1, "data_loss": 1, "outage": 1},
        "by_level": {"1": 1, "2": 1, "3": 1},
        "per_day": {"2026-11-16": 1, "2026-11-17": 1},
    }


def test_lifecycle_steps_are_counted_by_kind_apart_from_the_escalations():
    findings = [
        Finding(1, T0, "escalated", "customer_cc", "customer_cc", 1),
        Finding(1, T0 + MIN, "monitoring", "lifecycle", "customer_cc", 1),
        Finding(1, T0 + 2 * MIN, "re-escalated", "lifecycle", "customer_cc", 1),
        Finding(1, T0 + 3 * MIN, "reminder", "lifecycle", "customer_cc", 2),
    ]
    summary = summarize(findings)
    assert (summary["escalations"], summary["raises"], summary["other_updates"]) == (1, 0, 3)
    assert summary["lifecycle"] == {"monitoring": 1, "re-escalated": 1, "reminder": 1}
