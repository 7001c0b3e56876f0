"""Screening: what the lifecycle needs read from Zendesk for a webhook, by the episode's state and the hints."""

from dataclasses import replace

import pytest
from support.lifecycle_cases import DECISION, NOW, TICKET, event, with_lifecycle

from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, MONITORING, escalated, standing_of
from zendesk_escalator.core.lifecycle.screening import screen
from zendesk_escalator.core.notification import CommentHint

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
