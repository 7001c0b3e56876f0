"""The dashboard's view model: ages, SLA countdowns, next steps, decisions, inbox health, the chart's bars."""

from datetime import datetime, timedelta

import pytest
from support.dashboard_cases import NOW, at

from zendesk_escalator.core.kinds import NOTICE
from zendesk_escalator.core.kinds import NOTICE_QUEUE_BASE as QUEUE_BASE
from zendesk_escalator.core.lifecycle.episode import ACTIVE, Episode
from zendesk_escalator.core.reporting.dashboard_facts import (
    Dead,
    Decided,
    InboxHealth,
    Known,
    Moment,
    Stored,
    TicketFacts,
)
from zendesk_escalator.core.reporting.dashboard_view import Filters, build, countdown, next_step


def sla_timer(breach_in: timedelta, metric: str = "first_reply_time", kind: str = "sla_warning") -> dict:
    return {
        "kind": kind,
        "metric": metric,
        "breach_at": (NOW + breach_in).timestamp(),
        "fire_at": (NOW + breach_in - timedelta(minutes=30)).timestamp(),
        "stage": "30 min before",
        "round": 0,
    }


@pytest.mark.parametrize(
    "breach_in, text, tone",
    [
        (timedelta(hours=4, minutes=50), "4 h 50 min left", "ok"),
        (timedelta(minutes=25), "25 min left", "soon"),
        (timedelta(hours=1), "1 h left", "soon"),
        (-timedelta(minutes=40), "breached 40 min ago", "late"),
        (timedelta(0), "breached 0 min ago", "late"),
    ],
)
def test_the_sla_countdown_says_the_time_left_or_since_the_breach(breach_in, text, tone):
    shown = countdown({"first_reply_time": NOW + breach_in}, NOW)
    assert (shown.text, shown.tone, shown.at) == (text, tone, (NOW + breach_in).timestamp())


def test_the_countdown_takes_the_nearest_breach_and_names_its_metric():
    shown = countdown(
        {"next_reply_time": NOW + timedelta(hours=3), "first_reply_time": NOW + timedelta(minutes=65)}, NOW
    )
    assert shown.text == "1 h 5 min left"
    assert shown.about == "first reply time, breach at 2026-11-23 13:15 UTC"
    assert countdown({}, NOW) is None


@pytest.mark.parametrize(
    "timers, text",
    [
        ([], "—"),
        ([{"kind": "update_due", "at": at(minutes=40)}], "customer update due in 40 min"),
        ([{"kind": "update_due", "at": at(minutes=-70)}], "customer update due, 1 h 10 min overdue"),
        (
            [{"kind": "monitoring_end", "at": at(days=2, hours=3)}, {"kind": "update_due", "at": at(days=3)}],
            "monitoring ends in 2 d 3 h",
        ),
    ],
)
def test_the_next_lifecycle_step(timers, text):
    assert next_step(timers, NOW) == text


def episode(ticket_id: int, opened: datetime, **changes) -> Episode:
    values = dict(
        ticket_id=ticket_id,
        state=ACTIVE,
        opened_at=opened,
        level=2,
        reason="production_down",
        rule="impact",
        evidence=("tag production_down",),
        owner_id=900000000031,
    )
    return Episode(**{**values, **changes})


def test_build_joins_each_open_escalation_with_its_own_timers_when_zendesk_was_not_read():
    moments = [
        Moment(1, "timer", sla_timer(timedelta(minutes=20))),
        Moment(2, "lifecycle", {"kind": "update_due", "at": at(hours=1)}),
        Moment(3, "timer", sla_timer(timedelta(hours=9))),
    ]  # a ticket without an open escalation
    health = InboxHealth({"pending": 4, "running": 1, "done": 9, "dead": 2}, retrying=1, oldest_due=at(seconds=-12))
    stored = Stored(
        [episode(1, NOW - timedelta(hours=3, minutes=10)), episode(2, NOW, owner_id=None, level=1)],
        moments,
        health=health,
    )
    view = build(stored, NOW, {2: ("engineering", (900000000011,))})
    first, second = view.active
    assert (first.ticket_id, first.level, first.reason, first.owner, first.leads, first.age) == (
        1,
        "2 (engineering)",
        "production_down",
        "user 900000000031",
        "user 900000000011",
        "3 h 10 min",
    )
    assert first.sla.text == "20 min left" and first.next_step == "—" and first.opened == "2026-11-23 09:00 UTC"
    assert (first.subject, first.organization, first.requester, first.last_reply) == ("", "", "", "—")
    assert (second.level, second.owner, second.leads, second.age, second.sla) == ("1", "—", "—", "0 min", None)
    assert second.next_step == "customer update due in 1 h"
    assert view.generated == "2026-11-23 12:10 UTC"
    assert (view.health.pending, view.health.retrying, view.health.running, view.health.dead) == (4, 1, 1, 2)


def test_what_zendesk_told_names_people_and_gives_the_sla_clock():
    breached = {"first_reply_time": NOW - timedelta(minutes=9)}
    known = Known(
        {
            1: TicketFacts("Dashboard down", 20978392, 509974, breached, NOW - timedelta(hours=2), True),
            2: TicketFacts("Second", 20978392, None, {}, None, True),
        },
        {20978392: "Dana Customer", 900000000031: "Olga Owner"},
        {509974: "Customer Corp"},
        3,
    )
    stored = Stored(
        [episode(1, NOW - timedelta(hours=1)), episode(2, NOW), episode(3, NOW)],
        [Moment(3, "timer", sla_timer(timedelta(minutes=5)))],
    )
    first, second, third = build(stored, NOW, {}, known).active
    assert (first.subject, first.organization, first.requester, first.owner) == (
        "Dashboard down",
        "Customer Corp",
        "Dana Customer",
        "Olga Owner",
    )
    assert (first.sla.text, first.sla.tone, first.last_reply) == ("breached 9 min ago", "late", "2 h ago")
    assert (second.organization, second.sla, second.last_reply) == ("", None, "none yet")  # no SLA measured now
    assert third.sla.text == "5 min left"  # not read (deleted, say): the pending timers


def test_filters_keep_the_rows_asked_for_and_offer_every_value():
    stored = Stored([episode(1, NOW, level=1), episode(2, NOW, owner_id=7), episode(3, NOW, state="monitoring")])
    known = Known({1: TicketFacts(organization_id=5)}, {7: "Seven"}, {5: "Five Corp"})
    view = build(stored, NOW, {1: ("team lead", ())}, known, Filters(level=2))
    assert [row.ticket_id for row in view.active] == [2, 3] and view.open_count == 3
    assert view.choices.levels == ((1, "1 (team lead)"), (2, "2"))
    assert view.choices.owners == ((7, "Seven"), (900000000031, "user 900000000031"))
    assert view.choices.organizations == ((5, "Five Corp"),) and view.choices.states == ("active", "monitoring")
    assert [r.ticket_id for r in build(stored, NOW, {}, known, Filters("monitoring", 2, 900000000031)).active] == [3]
    assert [r.ticket_id for r in build(stored, NOW, {}, known, Filters(organization=5)).active] == [1]


def test_a_dead_letter_shows_its_error_and_the_command_that_retries_it():
    stored = Stored([], dead=[Dead(17, 35436, "notification", "ZendeskRejected:\n" + "x" * 300, at(minutes=-5))])
    (row,) = build(stored, NOW).dead
    assert (row.id, row.ticket_id, row.since, row.command) == (
        17,
        35436,
        "2026-11-23 12:05 UTC",
        "escalator dead-letters retry 17",
    )
    assert row.error.startswith("ZendeskRejected: xxx") and row.error.endswith("…") and len(row.error) == 160


def test_a_decision_shows_its_rule_detail_evidence_and_warnings():
    result = {
        "status": "escalated",
        "detail": "customer_cc at level 1",
        "rule": "customer_cc",
        "evidence": ["comment #90003 from the customer was sent to escalation@acme.example"],
        "warnings": ["the internal note was left out"],
        "api_calls": 3,
    }
    view = build(Stored([], decisions=[Decided(35436, "notification", at(minutes=-12), result)]), NOW)
    (decision,) = view.decisions
    assert (decision.ticket_id, decision.outcome, decision.rule, decision.ago, decision.at) == (
        35436,
        "escalated",
        "customer_cc",
        "12 min ago",
        "2026-11-23 11:58 UTC",
    )
    assert decision.evidence == ("comment #90003 from the customer was sent to escalation@acme.example",)
    assert decision.warnings == ("the internal note was left out",)


def test_a_notice_row_shows_its_ticket_not_its_queue():
    queue = -(QUEUE_BASE + 35436)  # a notice row queues apart from its ticket
    result = {"status": "sent", "rule": "support_managers", "detail": "slack_bot answered ok"}
    view = build(
        Stored(
            [],
            decisions=[Decided(queue, NOTICE, at(minutes=-1), result)],
            dead=[Dead(18, queue, NOTICE, "NoticeFailed: slack_bot answered channel_not_found", at(minutes=-2))],
        ),
        NOW,
    )
    assert view.decisions[0].ticket_id == view.dead[0].ticket_id == 35436
