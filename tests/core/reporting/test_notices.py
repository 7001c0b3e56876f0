"""Chat notices: which steps of an episode are which events, which targets take them, and how they read."""

from dataclasses import replace

import pytest
from conftest import SAMPLES
from support.notice_cases import BREACH, LATER, NOW, TICKET, opened, targets_policy

from zendesk_escalator.core.channels import NoticeFilter
from zendesk_escalator.core.kinds import NOTICE_QUEUE_BASE as QUEUE_BASE
from zendesk_escalator.core.lifecycle.episode import (
    ACTIVE,
    CLOSED,
    DEESCALATED,
    MONITORED,
    MONITORING,
    REOPENED,
    SOLVED,
    escalated,
)
from zendesk_escalator.core.lifecycle.state_table import adopt
from zendesk_escalator.core.reporting.notices import notices, step_events
from zendesk_escalator.schemas.policy_file import parse_policy


@pytest.fixture
def told():
    return targets_policy()


def events_of(episode):
    return [step_events(episode, n) for n in range(len(episode.history))]


def test_each_step_is_the_events_it_is():
    episode = opened()
    episode = escalated(episode, BREACH, TICKET, parse_policy((SAMPLES / "policy.toml").read_text()), LATER)
    episode = episode.moved(LATER, ACTIVE, "reminder", "update missed (1)")
    episode = episode.moved(LATER, ACTIVE, "reminder", "update missed (2)", level=3)
    episode = episode.moved(LATER, MONITORING, SOLVED, "monitoring until …")
    episode = episode.moved(LATER, ACTIVE, REOPENED, "the problem recurred")
    episode = episode.moved(LATER, CLOSED, DEESCALATED, "comment #9: customer agreed")
    assert events_of(episode) == [
        ("opened",),
        ("breach", "level"),
        ("reminder",),
        ("level", "reminder"),
        (),
        ("reopened",),
        ("closed",),
    ]


def test_a_breach_that_opens_is_both_and_monitoring_that_ends_closes():
    episode = opened(BREACH).moved(LATER, MONITORING, SOLVED, "")
    episode = episode.moved(LATER, CLOSED, MONITORED, "monitoring ended without recurrence")
    assert events_of(episode) == [("breach", "opened"), (), ("closed",)]


def test_an_adopted_escalation_is_no_event_but_its_raise_is(policy):
    mirrored = replace(TICKET, tags=("escalated", "escalation_level_1", "escalation_reason_outage"))
    episode = adopt(mirrored, None, policy, NOW)
    raised = escalated(episode, BREACH, mirrored, policy, LATER)
    assert events_of(raised) == [(), ("breach", "level")]


def test_targets_take_the_steps_their_when_names(told):
    episode = escalated(opened(), BREACH, TICKET, told, LATER)
    found = notices(replace(episode, id=7), 0, TICKET, told, "https://acme.zendesk.com/agent/tickets/35436")
    assert [(n.target, n.event, n.step) for n in found] == [
        ("everything", "opened", 0),
        ("everything", "breach", 1),
        ("managers", "breach", 1),
    ]
    assert [n.key for n in found] == [
        "notice:everything:7:opened:0",
        "notice:everything:7:breach:1",
        "notice:managers:7:breach:1",
    ]
    assert notices(replace(episode, id=7), 1, TICKET, told, "u")[0].step == 1  # the steps stored before: told


def test_a_filter_of_levels_reasons_and_events():
    only = NoticeFilter(levels=frozenset({2}), reasons=frozenset({"outage"}), events=frozenset({"level", "closed"}))
    assert only.first_event(("breach", "level"), 2, "outage") == "level"
    assert only.first_event(("level",), 1, "outage") is None
    assert only.first_event(("level",), 2, "sla_breach") is None
    assert only.first_event(("opened",), 2, "outage") is None
    assert NoticeFilter().first_event(("breach", "level"), 1, "x") == "breach"


def test_a_notice_row_queues_apart_from_its_tickets_rows(told):
    (notice,) = notices(opened(), 0, TICKET, told, "u")
    row = notice.row(NOW.timestamp())
    assert row["ticket_id"] == -(QUEUE_BASE + 35436) and row["kind"] == "notice"
    assert row["payload"]["reason"] == "customer_cc" and row["payload"]["sla_metric"] == "first_reply_time"
