"""The state table, row by row: what the ticket shows, what the episode says, and the row the service takes."""

from dataclasses import replace
from datetime import datetime, timezone

import pytest
from support.state_table_cases import NOW, SHOWS_LEVEL_2, episode, ticket

from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, MONITORING
from zendesk_escalator.core.lifecycle.state_table import (
    ADOPTED,
    CLOSED_IN_ZENDESK,
    DEESCALATE,
    NOTHING,
    RULES,
    RULES_THEN_MONITOR,
    RULES_THEN_REOPEN,
    adopt,
    just_adopted,
    row,
)
from zendesk_escalator.core.lifecycle.transitions import on_ticket
from zendesk_escalator.core.policy import LifecyclePolicy

STATUS, LEVEL, REASON, AT = 360010000001, 360010000002, 360010000003, 360010000004


# (episode says, ticket status, ticket shows, [lifecycle]) -> row
TABLE = [
    (None, "open", (), True, RULES),
    (None, "closed", SHOWS_LEVEL_2, True, NOTHING),  # a closed ticket takes no escalation, nothing to adopt
    (CLOSED, "open", SHOWS_LEVEL_2, True, RULES),  # a stale mirror: the record says closed
    (CLOSED, "closed", (), True, NOTHING),
    (ACTIVE, "closed", SHOWS_LEVEL_2, True, CLOSED_IN_ZENDESK),
    (MONITORING, "closed", SHOWS_LEVEL_2, False, CLOSED_IN_ZENDESK),
    (ACTIVE, "open", ("deescalate",), True, DEESCALATE),
    (ACTIVE, "open", ("escalation_closed",), False, DEESCALATE),  # the status field's value, as its tag
    (MONITORING, "solved", ("deescalate",), True, DEESCALATE),
    (ACTIVE, "solved", SHOWS_LEVEL_2, True, RULES_THEN_MONITOR),
    (ACTIVE, "solved", SHOWS_LEVEL_2, False, RULES),  # without [lifecycle] a solve moves nothing
    (MONITORING, "open", SHOWS_LEVEL_2, True, RULES_THEN_REOPEN),
    (MONITORING, "solved", SHOWS_LEVEL_2, True, RULES),
    (ACTIVE, "open", (), True, RULES),  # an emptied mirror: the episode still decides
    (ACTIVE, "open", ("escalate",), True, RULES),  # a request: the rules acknowledge or raise
]


@pytest.mark.parametrize("state, status, tags, lifecycle, expected", TABLE)
def test_the_state_table(policy, state, status, tags, lifecycle, expected):
    policy = replace(policy, lifecycle=LifecyclePolicy(enabled=lifecycle))
    assert row(ticket(status, tags), episode(state), policy) == expected


def test_the_status_field_route_is_the_tag_route(policy):
    by_field = ticket(fields=((STATUS, "escalation_closed"),))
    assert row(by_field, episode(ACTIVE), policy) == row(ticket(tags=("deescalate",)), episode(ACTIVE), policy)


def test_an_escalation_without_a_record_is_adopted_from_the_mirror(policy):
    shows = ticket(tags=SHOWS_LEVEL_2, fields=((AT, "2026-11-20T08:00:00Z"),))
    adopted = adopt(shows, None, policy, NOW)
    assert (adopted.state, adopted.level, adopted.reason, adopted.rule) == (ACTIVE, 2, "outage", ADOPTED)
    assert adopted.opened_at == datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc) and just_adopted(adopted)
    assert adopted.history[0].detail.startswith("escalated before the service kept a record: the ticket shows level 2")
    move = on_ticket(shows, adopted, None, policy, NOW)
    assert (move.cause, move.update, move.episode) == (ADOPTED, None, adopted)  # kept, nothing sent
    assert adopt(shows, episode(CLOSED), policy, NOW) == episode(CLOSED)  # a record, even closed, is the truth
    assert adopt(ticket(), None, policy, NOW) is None
    monitoring = ticket(tags=SHOWS_LEVEL_2[:3] + ("escalation_monitoring",))
    assert adopt(monitoring, None, policy, NOW).state == ACTIVE  # no monitoring without [lifecycle]
    with_lifecycle = replace(policy, lifecycle=LifecyclePolicy(enabled=True))
    assert adopt(monitoring, None, with_lifecycle, NOW).state == MONITORING
