"""Recurring incidents, the pure part: the query, the runs, the rule on the newest ticket."""

from datetime import datetime, timedelta, timezone

import pytest

from zendesk_escalator.core.escalation.recurring import (
    RECURRING,
    RecurringIncidents,
    incidents_from_search,
    priority_set_by_people,
    referral,
    runs,
    search_query,
    to_refer,
)
from zendesk_escalator.core.escalation.triggers import escalation_rules
from zendesk_escalator.core.notification import Notification
from zendesk_escalator.core.policy import Policy, RecurringPolicy
from zendesk_escalator.core.snapshot import TicketSnapshot
from zendesk_escalator.core.state import NOT_ESCALATED, Standing

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
POLICY = Policy(
    addresses=frozenset({"escalations@acme.example"}),
    recurring=RecurringPolicy(enabled=True, count=3, within=timedelta(days=7)),
)


def found(ticket_id, org=7, priority="high", days_ago=1.0, subject="Checkout fails"):
    created = (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "id": ticket_id,
        "organization_id": org,
        "priority": priority,
        "created_at": created,
        "subject": subject,
        "result_type": "ticket",
    }


@pytest.mark.parametrize(
    "priorities, query",
    [
        (frozenset({"urgent", "high"}), "created>2026-11-15 priority>normal"),
        (frozenset({"urgent"}), "created>2026-11-15 priority>high"),
        (frozenset({"low", "urgent"}), "created>2026-11-15"),
    ],
)
def test_the_query_reaches_a_day_further_and_narrows_by_the_lowest_priority(priorities, query):
    policy = Policy(addresses=POLICY.addresses, recurring=RecurringPolicy(enabled=True, priorities=priorities))
    assert search_query(policy, NOW) == query


def test_a_run_is_count_tickets_of_one_organization_within_the_window_oldest_first():
    results = [
        found(1, days_ago=6.9),
        found(2, days_ago=3),
        found(3, days_ago=0.1),
        found(4, days_ago=7.1),  # just outside the window
        found(5, priority="normal"),
        found(6, org=8),
        found(7, org=8),
        found(8, org=None),
        found(9, org=8, priority="urgent", days_ago=0.2),
    ]
    assert [[i.id for i in run] for run in runs(incidents_from_search(results), POLICY, NOW)] == [[1, 2, 3], [6, 7, 9]]


def test_two_tickets_are_not_a_run_of_three_and_duplicates_count_once():
    results = [found(1), found(2), found(2)]
    assert runs(incidents_from_search(results), POLICY, NOW) == []


def test_malformed_search_results_are_skipped():
    results = [
        None,
        {"id": 1},
        {"id": 2, "organization_id": 7, "priority": "high", "created_at": "yesterday"},
        found(3),
    ]
    assert [i.id for i in incidents_from_search(results)] == [3]


def snapshot_with(run, **ticket):
    note = referral(run)
    return TicketSnapshot(
        id=note.ticket_id,
        status=ticket.get("status", "open"),
        priority=ticket.get("priority", "high"),
        referrals=(note.referral,),
    )


def test_the_rule_escalates_the_newest_ticket_listing_the_run():
    run = runs(incidents_from_search([found(1, days_ago=3), found(2, days_ago=2), found(3)]), POLICY, NOW)[0]
    decision = RecurringIncidents().check(snapshot_with(run), POLICY)
    assert (decision.rule, decision.reason, decision.level) == (RECURRING, "recurring_incidents", 2)
    assert decision.evidence[0] == "3 urgent/high tickets from organization 7 within 7 d; this one is the newest:"
    assert decision.evidence[1] == "#1 (high, created 2026-11-20 09:00 UTC): Checkout fails"
    assert decision.keys == frozenset({"recurring:7:3"})


@pytest.mark.parametrize("change", [{"status": "solved"}, {"status": "closed"}, {"priority": "normal"}])
def test_a_ticket_that_moved_on_since_the_check_is_left_alone(change):
    run = runs(incidents_from_search([found(1), found(2), found(3)]), POLICY, NOW)[0]
    assert RecurringIncidents().check(snapshot_with(run, **change), POLICY) is None


def test_without_a_referral_the_rule_never_reads_or_fires():
    rule = RecurringIncidents()
    assert rule.check(TicketSnapshot(id=1, status="open", priority="urgent"), POLICY) is None
    created = Notification(ticket_id=1, source="event", event_type="ticket.created")
    assert rule.screen(created, POLICY, NOT_ESCALATED) == frozenset()
    run = runs(incidents_from_search([found(1), found(2), found(3)]), POLICY, NOW)[0]
    assert rule.screen(referral(run), POLICY, NOT_ESCALATED) == frozenset({"ticket"})
    escalated_already = Standing(True, 2, "outage", "active", recorded=True)  # the episode's word, not the tags
    assert rule.screen(referral(run), POLICY, escalated_already) == frozenset()


def test_a_ticket_escalated_since_the_check_is_not_escalated_again_as_recurring():
    run = runs(incidents_from_search([found(1), found(2), found(3)]), POLICY, NOW)[0]
    rules, ticket = escalation_rules(), snapshot_with(run)
    assert rules.decide(ticket, POLICY, NOT_ESCALATED).rule == RECURRING
    in_an_episode = Standing(True, 1, "customer_cc", "active", recorded=True)  # below the run's level: still not
    assert rules.decide(ticket, POLICY, in_an_episode) is None


def test_an_organization_is_referred_once_a_window_and_not_for_a_ticket_in_an_escalation():
    incidents = incidents_from_search(
        [found(1, days_ago=3), found(2, days_ago=2), found(3), found(4, org=8), found(5, org=8), found(6, org=8)]
    )
    never = lambda _: None  # noqa: E731
    assert [run[-1].id for run in to_refer(incidents, POLICY, NOW, never, lambda _: False)] == [3, 6]
    lately = {7: NOW - timedelta(days=6.9), 8: NOW - timedelta(days=7)}.get
    assert [run[-1].id for run in to_refer(incidents, POLICY, NOW, lately, lambda _: False)] == [6]
    assert [run[-1].id for run in to_refer(incidents, POLICY, NOW, never, lambda tid: tid == 6)] == [3]


SERVICE, AGENT, CUSTOMER = 900, 235323, 20978392


def audit(author, *events):
    return {
        "author_id": author,
        "events": [{"type": kind, "field_name": name, "value": value} for kind, name, value in events],
    }


@pytest.mark.parametrize(
    "audits, priority",
    [
        ([audit(CUSTOMER, ("Create", "priority", "normal")), audit(SERVICE, ("Change", "priority", "high"))], "normal"),
        ([audit(CUSTOMER, ("Create", "priority", "high")), audit(SERVICE, ("Change", "priority", "urgent"))], "high"),
        (
            [
                audit(CUSTOMER, ("Create", "priority", "normal")),
                audit(SERVICE, ("Change", "priority", "high")),
                audit(AGENT, ("Change", "priority", "urgent")),
            ],
            "urgent",
        ),
        ([audit(CUSTOMER, ("Create", "status", "new")), audit(SERVICE, ("Change", "priority", "high"))], None),
        ([audit(AGENT, ("Create", "priority", "")), audit(AGENT, ("Comment", "priority", "urgent"))], None),
    ],
)
def test_the_priority_people_set_is_read_from_the_audits_leaving_the_services_changes_out(audits, priority):
    assert priority_set_by_people({"audits": audits}, SERVICE) == priority
