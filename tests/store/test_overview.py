"""The dashboard's reads, on SQLite and PostgreSQL: open timers of tickets, decisions, retries, openings."""

from datetime import datetime, timedelta, timezone

from zendesk_escalator.core.lifecycle.episode import ACTIVE, Episode
from zendesk_escalator.store.escalations import Escalations
from zendesk_escalator.store.overview import Overview

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
T = NOW.timestamp()


def timer(kind: str, ticket_id: int, key: str, run_at: float, payload: dict) -> dict:
    return {"kind": kind, "dedupe_key": key, "ticket_id": ticket_id, "payload": payload, "run_at": run_at}


def finish(inbox, ticket_id: int, key: str, result: dict, now: float) -> None:
    """One notification row, claimed and completed with this outcome at `now`."""
    inbox.accept("notification", key, ticket_id, {"ticket_id": ticket_id}, now)
    rows = inbox.claim("w", now, 60)
    assert inbox.complete(rows, "w", now, result)


def test_moments_are_the_open_timer_and_lifecycle_rows_of_the_tickets_asked_for(any_inbox):
    breach = {"kind": "sla_breach", "metric": "first_reply_time", "breach_at": T + 3600}
    any_inbox.schedule(
        [
            timer("timer", 1, "t1", T + 3000, breach),
            timer("timer", 2, "t2", T + 3000, breach),
            timer("lifecycle", 1, "l1", T + 600, {"kind": "update_due", "at": T + 600}),
            timer("periodic", 1, "p1", T, {"job": "sla_feed"}),
            timer("timer", 1, "gone", T + 100, breach),
        ],
        T,
    )
    any_inbox.supersede("timer", [1], {"t1"}, T)  # "gone" is done: not shown
    found = Overview(any_inbox.database).moments([1, 3])
    assert sorted((m.ticket_id, m.kind, m.payload.get("kind")) for m in found) == [
        (1, "lifecycle", "update_due"),
        (1, "timer", "sla_breach"),
    ]
    assert Overview(any_inbox.database).moments([]) == []


def test_decisions_are_finished_rows_naming_a_rule_newest_first(any_inbox):
    finish(any_inbox, 1, "a", {"status": "escalated", "rule": "customer_cc", "evidence": ["cc"]}, T - 300)
    finish(any_inbox, 2, "b", {"status": "screened", "detail": 'the text "rule": x is not a rule'}, T - 200)
    finish(any_inbox, 3, "c", {"status": "planned", "rule": "impact", "detail": "production_down at level 2"}, T - 100)
    decided = Overview(any_inbox.database).decisions()
    assert [(d.ticket_id, d.result["rule"], d.at) for d in decided] == [
        (3, "impact", T - 100),
        (1, "customer_cc", T - 300),
    ]
    assert decided[1].result["evidence"] == ["cc"] and decided[0].kind == "notification"
    assert len(Overview(any_inbox.database).decisions(limit=1)) == 1


def test_health_counts_pending_rows_that_failed_before_as_retrying(any_inbox):
    any_inbox.accept("notification", "x", 1, {}, T - 120)
    any_inbox.accept("notification", "y", 2, {}, T - 60)
    first = any_inbox.claim("w", T, 60)
    assert any_inbox.retry(first, "w", T, T + 30, T + 3600, "ZendeskUnavailable: 503")
    health = Overview(any_inbox.database).health(T)
    assert health.retrying == 1 and health.counts["pending"] == 2
    assert health.oldest_due == T - 60  # the retried row is not due yet


def test_openings_since_a_moment(any_inbox):
    store = Escalations(any_inbox.database)
    for ticket_id, opened, reason in (
        (1, NOW - timedelta(days=20), "manual"),
        (2, NOW - timedelta(days=2), "customer_cc"),
        (3, NOW, "production_down"),
    ):
        store.save(Episode(ticket_id, ACTIVE, opened, 1, reason, "rule"), NOW)
    assert sorted(Overview(any_inbox.database).opened_since(NOW - timedelta(days=14))) == [
        ((NOW - timedelta(days=2)).timestamp(), "customer_cc"),
        (T, "production_down"),
    ]
