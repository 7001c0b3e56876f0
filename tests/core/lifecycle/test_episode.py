"""The lifecycle's state machine, every transition (and every refusal) as a table; the episode record."""

import itertools
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from zendesk_escalator.core.conditions import When
from zendesk_escalator.core.escalation.rules import Decision
from zendesk_escalator.core.lifecycle.communication_plan import plan_lines
from zendesk_escalator.core.lifecycle.episode import (
    ACTIVE,
    CLOSED,
    DEESCALATED,
    ESCALATED,
    MONITORED,
    MONITORING,
    REOPENED,
    REQUESTED,
    SOLVED,
    TRANSITIONS,
    Episode,
    escalated,
    next_state,
    owner_for,
    standing_of,
)
from zendesk_escalator.core.lifecycle.screening import screen
from zendesk_escalator.core.notification import CommentHint, Notification
from zendesk_escalator.core.policy import LifecyclePolicy, OwnerRule
from zendesk_escalator.core.snapshot import TicketSnapshot

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
STATES = (None, REQUESTED, ACTIVE, MONITORING, CLOSED)
EVENTS = (ESCALATED, SOLVED, REOPENED, MONITORED, DEESCALATED)
EXPECTED = {
    (None, ESCALATED): ACTIVE,
    (REQUESTED, ESCALATED): ACTIVE,
    (ACTIVE, ESCALATED): ACTIVE,
    (MONITORING, ESCALATED): ACTIVE,
    (CLOSED, ESCALATED): ACTIVE,
    (ACTIVE, SOLVED): MONITORING,
    (MONITORING, REOPENED): ACTIVE,
    (MONITORING, MONITORED): CLOSED,
    (ACTIVE, DEESCALATED): CLOSED,
    (MONITORING, DEESCALATED): CLOSED,
}


@pytest.mark.parametrize("state, event", list(itertools.product(STATES, EVENTS)))
def test_every_transition_and_every_refusal(state, event):
    assert next_state(state, event) == EXPECTED.get((state, event))


def test_the_table_has_no_transition_the_tests_do_not_know():
    assert TRANSITIONS == EXPECTED


DECISION = Decision(
    "customer_cc",
    "customer_cc",
    1,
    "high",
    ("comment #7 from the customer was sent to x",),
    keys=frozenset({"comment:7", "cc:x"}),
)
TICKET = TicketSnapshot(id=9, status="open", priority="urgent", organization_id=5)


def with_lifecycle(policy, **changes):
    return replace(policy, lifecycle=replace(LifecyclePolicy(enabled=True), **changes))


def test_an_escalation_opens_an_episode_owned_and_consuming_its_evidence(policy):
    owned = with_lifecycle(policy, owners=(OwnerRule(11, When(organization_id=frozenset({5})), level=2), OwnerRule(12)))
    episode = escalated(None, DECISION, TICKET, owned, NOW)
    assert (episode.state, episode.level, episode.owner_id, episode.consumed) == (ACTIVE, 1, 12, DECISION.keys)
    assert [(s.state, s.cause, s.reason) for s in episode.history] == [(ACTIVE, ESCALATED, "customer_cc")]
    raised = escalated(
        episode,
        replace(DECISION, level=2, reason="outage", keys=frozenset({"tag:outage"})),
        TICKET,
        owned,
        NOW + timedelta(hours=1),
    )
    assert (raised.level, raised.owner_id, raised.opened_at) == (2, 11, NOW)  # the level-2 owner for org 5
    assert raised.consumed == DECISION.keys | {"tag:outage"} and len(raised.history) == 2


def test_a_new_episode_after_a_closed_one_keeps_what_was_consumed(policy):
    closed = replace(escalated(None, DECISION, TICKET, policy, NOW), state=CLOSED, id=4)
    again = escalated(closed, replace(DECISION, keys=frozenset({"comment:8"})), TICKET, policy, NOW)
    assert again.id is None and again.opened_at == NOW and again.consumed == DECISION.keys | {"comment:8"}


def test_owners_by_level_and_condition(policy):
    owned = with_lifecycle(policy, owners=(OwnerRule(11, level=2), OwnerRule(12, When(priority=frozenset({"low"})))))
    assert owner_for(TICKET, 2, owned) == 11 and owner_for(TICKET, 1, owned) is None


def test_the_note_states_the_owner_and_the_communication_plan(policy):
    planned = with_lifecycle(policy, cadence=(("urgent", timedelta(hours=2)),))
    episode = replace(escalated(None, DECISION, TICKET, planned, NOW), owner_id=11)
    assert plan_lines(episode, TICKET, planned, NOW) == (
        "Escalation owner: user 11",
        "Communication plan: a public update to the customer every 2 h; next one due by 2026-11-23 11:00 UTC",
    )


def test_the_record_round_trips(policy):
    episode = replace(escalated(None, DECISION, TICKET, policy, NOW), id=3, review="fine", missing=("Done so far",))
    moved = episode.moved(NOW + timedelta(days=1), MONITORING, SOLVED, "until x")
    row = {
        "id": 3,
        "ticket_id": 9,
        "state": moved.state,
        "opened_at": NOW.timestamp(),
        "closed_at": None,
        "level": moved.level,
        "reason": moved.reason,
        "owner_id": None,
    }
    assert Episode.from_record(row, moved.to_record()) == moved


def event(kind, **hints):
    return Notification(
        **{"ticket_id": 9, "source": "event", "event_type": f"ticket.{kind}", "tags": ("billing",), **hints}
    )


ESCALATED_TAGS = ("billing", "escalated", "escalation_level_1")


@pytest.mark.parametrize(
    "state, note, need, lifecycle",
    [
        (None, event("status_changed", status="solved"), set(), True),  # no episode: the lifecycle is silent
        (ACTIVE, event("status_changed", status="solved"), {"ticket"}, True),
        (ACTIVE, event("status_changed", status="pending"), set(), True),
        (MONITORING, event("status_changed", status="open"), {"ticket"}, True),
        (
            MONITORING,
            event("comment_added", status="solved", comment=CommentHint(author_is_staff=False)),
            {"ticket"},
            True,
        ),
        (ACTIVE, event("tags_changed", tags=("deescalate",), status="open"), {"ticket", "comments"}, True),
        (ACTIVE, event("comment_added", status="open", comment=CommentHint(author_is_staff=True)), set(), True),
        (CLOSED, event("status_changed", status="open"), set(), True),
        # Without [lifecycle] a solve or reopen moves nothing; an agent's de-escalation and Zendesk's close still do.
        (ACTIVE, event("status_changed", status="solved"), set(), False),
        (ACTIVE, event("custom_field_changed", field_id=360010000001, status="open"), {"ticket", "comments"}, False),
        (ACTIVE, event("status_changed", status="closed"), {"ticket"}, False),
        # No record: the webhook's tags show an escalation to adopt, and its de-escalation request is read.
        (
            None,
            event("tags_changed", tags=ESCALATED_TAGS + ("deescalate",), status="open"),
            {"ticket", "comments"},
            False,
        ),
        (None, event("status_changed", tags=ESCALATED_TAGS, status="solved"), {"ticket"}, True),
    ],
)
def test_what_the_lifecycle_needs_read(policy, state, note, need, lifecycle):
    policy = with_lifecycle(policy) if lifecycle else policy
    episode = None if state is None else replace(escalated(None, DECISION, TICKET, policy, NOW), state=state, id=1)
    assert screen([note], standing_of(episode), policy) == frozenset(need)
