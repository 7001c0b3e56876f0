"""Export events into ticket changes: grouped by ticket, comments with their author and addresses, field changes."""

from support.fake_history import audit, change, comment
from support.history_cases import AGENT, CUSTOMER, DESK, PEOPLE, T1, T2, T3

from zendesk_escalator.core.backtest.ticket_events import change_from_event, changes_from_export
from zendesk_escalator.core.backtest.ticket_history import UNKNOWN, FieldChange


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
