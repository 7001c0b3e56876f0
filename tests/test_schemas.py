"""Webhook bodies (trigger template and event webhooks) into Notifications; errors name the field."""

import pytest

from conftest import sample
from zendesk_escalator.errors import IgnoredPayload, PayloadError
from zendesk_escalator.core.notification import CommentHint, Notification
from zendesk_escalator.schemas import is_event_webhook, load_event, load_trigger


def test_trigger_body_from_template():
    note = load_trigger(sample("trigger_body.json"))
    assert note == Notification(ticket_id=35436, source="trigger", actor_id=20978392,
                                tags=("billing", "vip"), priority="normal", status="open",
                                updated_at="2026-11-22T09:15:02Z", actor_role="end-user")


def test_trigger_minimal_and_unknown_keys_excluded():
    note = load_trigger({"ticket_id": 7, "actor_id": "", "something_new": {"x": 1}})
    assert (note.ticket_id, note.actor_id, note.tags) == (7, None, None)


@pytest.mark.parametrize("body, field", [
    ({}, "ticket_id"),
    ({"ticket_id": "abc"}, "ticket_id"),
    ({"ticket_id": 0}, "ticket_id"),
    ({"ticket_id": 2**63}, "ticket_id"),
    ({"ticket_id": 1, "actor_id": 10**30}, "actor_id"),
    ({"ticket_id": 1, "tags": 5}, "tags"),
    ({"ticket_id": 1, "actor_id": "x"}, "actor_id"),
    ([1, 2], "body"),
])
def test_trigger_errors_name_the_field(body, field):
    with pytest.raises(PayloadError) as caught:
        load_trigger(body)
    assert caught.value.field == field


def test_event_webhook_comment_added():
    body = sample("event_comment_added.json")
    assert is_event_webhook(body)
    note = load_event(body)
    assert (note.ticket_id, note.source, note.event_type, note.actor_id) == (
        35436, "event", "ticket.comment_added", 20978392)
    assert (note.priority, note.status, note.tags) == ("normal", "open", ("billing", "vip"))
    assert note.extra["event_id"] == "cbe4028c-7239-495d-b020-f22348516046"
    assert note.comment == CommentHint(id=10004, author_id=20978392, author_is_staff=False, public=True,
                                       body=body["event"]["comment"]["body"])


def test_event_hints_for_tags_and_fields():
    body = sample("event_comment_added.json")
    body["type"], body["event"] = "zen:event-type:ticket.tags_changed", {"tags_added": ["outage"], "tags_removed": []}
    assert load_event(body).tags_added == ("outage",)
    body["type"] = "zen:event-type:ticket.custom_field_changed"
    body["event"] = {"custom_field": {"id": "360010000001", "title": "Escalation status", "type": "tagger"},
                     "current": {"value": "escalation_requested"}, "previous": {"value": None}}
    assert load_event(body).field_id == 360010000001


@pytest.mark.parametrize("rendered, role", [("End-user", "end-user"), ("End user", "end-user"), ("Agent", "agent"),
                                            ("Admin", "admin"), ("Administrator", "admin"), ("", None)])
def test_trigger_actor_role_as_the_api_spells_it(rendered, role):
    assert load_trigger({"ticket_id": 1, "actor_role": rendered}).actor_role == role


def test_bad_event_hints_name_the_field():
    body = sample("event_comment_added.json")
    body["event"]["comment"]["id"] = "not-a-number"
    with pytest.raises(PayloadError) as caught:
        load_event(body)
    assert caught.value.field == "event.comment.id"


def test_event_ticket_id_from_subject_when_detail_lacks_it():
    body = sample("event_comment_added.json")
    del body["detail"]["id"]
    assert load_event(body).ticket_id == 35436


def test_event_without_any_ticket_id_names_detail_id():
    body = sample("event_comment_added.json")
    del body["detail"]["id"]
    body["subject"] = "zen:ticket:"
    with pytest.raises(PayloadError) as caught:
        load_event(body)
    assert caught.value.field == "detail.id"


def test_event_nested_error_is_dotted():
    body = sample("event_comment_added.json")
    body["detail"]["id"] = "not-a-number"
    with pytest.raises(PayloadError) as caught:
        load_event(body)
    assert caught.value.field == "detail.id"


def test_event_missing_id_is_refused():
    body = sample("event_comment_added.json")
    del body["id"]
    with pytest.raises(PayloadError) as caught:
        load_event(body)
    assert caught.value.field == "id"


@pytest.mark.parametrize("event_type", ["zen:event-type:user.created",
                                        "zen:event-type:ticket.subject_changed"])
def test_events_that_cannot_matter_are_ignored(event_type):
    body = sample("event_user_created.json")
    body["type"] = event_type
    with pytest.raises(IgnoredPayload):
        load_event(body)


def test_notification_round_trips_through_inbox_json():
    note = load_event(sample("event_comment_added.json"))
    assert Notification.from_dict(note.to_dict()) == note
