"""The lifecycle's state machine, every transition (and every refusal) as a table; the episode record."""

import itertools
from dataclasses import replace
from datetime import timedelta

import pytest
from support.lifecycle_cases import DECISION, NOW, TICKET, with_lifecycle

from zendesk_escalator.core.conditions import When
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
)
from zendesk_escalator.core.policy import OwnerRule

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
