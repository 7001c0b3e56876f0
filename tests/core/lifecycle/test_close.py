"""Zendesk closing a ticket: the episode closes and only tags go out."""

from support.state_table_cases import NOW, SHOWS_LEVEL_2, episode, ticket

from zendesk_escalator.core.lifecycle.close import closing
from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED
from zendesk_escalator.core.lifecycle.state_table import CLOSED_IN_ZENDESK
from zendesk_escalator.core.lifecycle.transitions import before_rules


def test_zendesk_closing_the_ticket_closes_the_episode_and_only_tags_go_out(policy):
    closed = ticket("closed", SHOWS_LEVEL_2 + ("vip",))
    move = before_rules(closed, episode(ACTIVE), policy, NOW)
    assert (move.cause, move.update, move.needs_review, move.episode.state) == (CLOSED_IN_ZENDESK, None, True, CLOSED)
    assert closing(closed, move.episode, "the review", policy) == {
        "id": 7,
        "additional_tags": ["escalation_closed"],
        "remove_tags": ["escalated", "escalation_active"],
    }
