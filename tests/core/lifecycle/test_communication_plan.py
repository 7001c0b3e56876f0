"""The communication plan: the note states the owner and when the next customer update is due."""

from dataclasses import replace
from datetime import timedelta

from support.lifecycle_cases import DECISION, NOW, TICKET, with_lifecycle

from zendesk_escalator.core.lifecycle.communication_plan import plan_lines
from zendesk_escalator.core.lifecycle.episode import escalated


def test_the_note_states_the_owner_and_the_communication_plan(policy):
    planned = with_lifecycle(policy, cadence=(("urgent", timedelta(hours=2)),))
    episode = replace(escalated(None, DECISION, TICKET, planned, NOW), owner_id=11)
    assert plan_lines(episode, TICKET, planned, NOW) == (
        "Escalation owner: user 11",
        "Communication plan: a public update to the customer every 2 h; next one due by 2026-11-23 11:00 UTC",
    )
