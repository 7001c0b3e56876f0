"""A ticket's history from the ticket events export: parsed, undone to the period's start, replayed in order."""

from support.fake_history import audit, comment, create
from support.history_cases import AGENT, CUSTOMER, PEOPLE, T1, T2, T3

from zendesk_escalator.core.backtest.ticket_events import change_from_event
from zendesk_escalator.core.backtest.ticket_history import Change, FieldChange, apply_change, apply_update, start_state
from zendesk_escalator.core.snapshot import TicketSnapshot


def test_the_start_is_todays_ticket_with_the_period_undone():
    today = TicketSnapshot(
        id=7,
        status="solved",
        priority="urgent",
        tags=("vip", "outage"),
        custom_fields=((360010000001, "escalation_requested"), (360010000005, "billing")),
    )
    changes = [
        Change(
            1,
            7,
            T1,
            fields=(FieldChange("priority", "high", "normal"),),
            tags_added=("outage",),
            tags_removed=("billing",),
        ),
        Change(
            2,
            7,
            T2,
            fields=(
                FieldChange("priority", "urgent", "high"),
                FieldChange("status", "solved", "open"),
                FieldChange(360010000001, "escalation_requested", None),
            ),
        ),
    ]
    start = start_state(today, changes)
    assert (start.status, start.priority, start.tags) == ("open", "normal", ("vip", "billing"))
    assert dict(start.custom_fields) == {360010000001: None, 360010000005: "billing"}
    assert start.agent_replies is None  # replies before the period are not known
    assert apply_change(apply_change(start, changes[0]), changes[1]).priority == "urgent"


def test_a_ticket_born_in_the_period_counts_its_agents_public_replies():
    created = change_from_event(audit(7, T1, CUSTOMER, create("status", "new"), comment(CUSTOMER, "Help", T1)), PEOPLE)
    replied = change_from_event(
        audit(7, T2, AGENT, comment(AGENT, "On it", T2), comment(AGENT, "note to self", T2, public=False)), PEOPLE
    )
    start = start_state(TicketSnapshot(id=7, status="open"), [created, replied])
    assert (start.agent_replies, start.created_at) == (0, T1)
    after = apply_change(apply_change(start, created), replied)
    assert after.agent_replies == 1 and [c.body for c in after.new_comments] == ["On it", "note to self"]
    assert after.updated_at == "2026-11-02T10:00:00Z"


def test_tags_are_replayed_as_added_and_removed_so_a_planned_escalation_keeps_its_own():
    escalated = TicketSnapshot(id=7, tags=("vip", "escalated", "escalation_level_1"))
    agent = Change(3, 7, T3, tags_added=("billing",), tags_removed=("vip",))
    assert apply_change(escalated, agent).tags == ("escalated", "escalation_level_1", "billing")


def test_the_planned_update_is_applied_as_zendesk_would():
    ticket = TicketSnapshot(
        id=7,
        priority="normal",
        group_id=1,
        assignee_id=5,
        tags=("vip",),
        follower_ids=frozenset({9}),
        custom_fields=((360010000005, "billing"),),
        new_comments=(object(),),
    )
    update = {
        "id": 7,
        "priority": "high",
        "group_id": 2,
        "assignee_id": None,
        "tags": ["vip", "escalated"],
        "custom_fields": [{"id": 360010000001, "value": "escalation_active"}],
        "followers": [{"user_id": 11, "action": "put"}],
        "comment": {"body": "x", "public": False},
    }
    after = apply_update(ticket, update)
    assert (after.priority, after.group_id, after.assignee_id, after.tags) == ("high", 2, None, ("vip", "escalated"))
    assert dict(after.custom_fields) == {360010000005: "billing", 360010000001: "escalation_active"}
    assert after.follower_ids == {9, 11} and after.new_comments == ()
    assert apply_update(ticket, {"id": 7, "additional_collaborators": [12]}).follower_ids == {9, 12}
