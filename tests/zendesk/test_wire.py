"""The JSON bodies Zendesk receives for a write: the update's PUT and the closed ticket's bulk tags."""

from zendesk_escalator.zendesk.wire import bulk_tags_body, wire_body


def test_the_put_body_is_every_key_but_the_id_nulls_included():
    update = {"id": 7, "priority": "urgent", "additional_tags": ["escalated"], "assignee_id": None, "safe_update": True}
    assert wire_body(update) == {
        "ticket": {"priority": "urgent", "additional_tags": ["escalated"], "assignee_id": None, "safe_update": True}
    }


def test_the_bulk_body_holds_only_the_tags_added_and_removed_that_there_are():
    update = {"id": 7, "additional_tags": ["escalation_closed"], "remove_tags": [], "comment": {"body": "x"}}
    assert bulk_tags_body(update) == {"ticket": {"additional_tags": ["escalation_closed"]}}
    both = {"additional_tags": ["a"], "remove_tags": ["escalated"], "status": "closed"}
    assert bulk_tags_body(both) == {"ticket": {"additional_tags": ["a"], "remove_tags": ["escalated"]}}
    assert bulk_tags_body({"id": 7}) == {"ticket": {}}
