"""A ticket's history from the ticket events export: parsed, undone to the period's start, replayed in order."""

from datetime import datetime, timezone

from support.fake_history import audit, change, comment, create

from zendesk_escalator.core.backtest.ticket_events import change_from_event, changes_from_export
from zendesk_escalator.core.backtest.ticket_history import (
    UNKNOWN,
    Change,
    FieldChange,
    apply_change,
    apply_update,
    start_state,
)
from zendesk_escalator.core.snapshot import TicketSnapshot
from zendesk_escalator.core.snapshot_api import People

T1, T2, T3 = (datetime(2026, 11, 2, h, tzinfo=timezone.utc) for h in (9, 10, 11))
CUSTOMER, AGENT, DESK = 20978392, 235323, 30000001
PEOPLE = People.of(
    [
        {"id": CUSTOMER, "email": "dana@customer.example", "role": "end-user"},
        {"id": AGENT, "email": "alex@acme.example", "role": "agent"},
        {"id": DESK, "email": "Escalation@acme.example", "role": "end-user"},
    ]
)


def test_events_are_grouped_by_ticket_oldest_first_and_each_read_once():
    later, earlier, other = audit(7, T2, AGENT), audit(7, T1, CUSTOMER), audit(8, T3, AGENT)
    changes = changes_from_export([later, earlier, other, dict(later), {"id": 1}, "junk"], PEOPLE)
    assert {tid: [c.at for c in found] for tid, found in changes.items()} == {7: [T1, T2], 8: [T3]}
    assert (changes[7][0].actor_id, changes[7][0].actor_role) == (CUSTOMER, "end-user")


def test_a_comment_keeps_its_author_and_every_address_it_was_sent_to():
    raw = audit(7, T1, CUSTOMER, comment(CUSTOMER, "Please call me", T1, ccs=(DESK,), original=("boss@acme.example",)))
    found = change_from_event(raw, PEOPLE)
    (said,) = found.comments
    assert (said.body, said.author_role, said.public) == ("Please call me", "end-user", True)
    assert said.recipients == {"support@acme.zendesk.com", "boss@acme.example", "escalation@acme.example"}


def test_without_the_comment_sideload_a_comment_is_only_a_flag_and_is_not_taken_for_one():
    raw = audit(
        7,
        T1,
        CUSTOMER,
        {"id": 5, "via": "Web form", "comment_present": True, "comment_public": True, "event_type": "Comment"},
    )
    assert change_from_event(raw, PEOPLE).comments == ()


def test_field_changes_in_the_audit_form():
    raw = audit(
        7,
        T1,
        AGENT,
        change("priority", "urgent", "normal"),
        change("group_id", "360000000003", "98738"),
        change("360010000001", "escalation_requested", None),
        change("subject", "New", "Old"),
        change("tags", ["vip", "outage"], ["vip", "billing"]),
    )
    found = change_from_event(raw, PEOPLE)
    assert found.fields == (
        FieldChange("priority", "urgent", "normal"),
        FieldChange("group_id", 360000000003, 98738),
        FieldChange(360010000001, "escalation_requested", None),
    )
    assert (found.tags_added, found.tags_removed, found.created) == (("outage",), ("billing",), False)


def test_field_changes_in_the_flattened_form_and_a_new_ticket():
    raw = audit(
        7,
        T1,
        CUSTOMER,
        {"id": 1, "via": "Web form", "via_reference_id": None, "status": "new", "event_type": "Create"},
        {
            "id": 2,
            "via": "Web form",
            "tags": ["a", "b"],
            "added_tags": ["a", "b"],
            "removed_tags": [],
            "event_type": "Create",
        },
        {"id": 3, "via": "Web form", "ticket_form_id": 360000144212, "previous_value": None, "event_type": "Change"},
    )
    found = change_from_event(raw, PEOPLE)
    assert found.fields == (FieldChange("status", "new"), FieldChange("form_id", 360000144212, None))
    assert found.fields[0].previous is UNKNOWN
    assert (found.tags_added, found.created) == (("a", "b"), True)


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
