"""Webhook bodies (trigger template and event webhooks) into Notifications; errors name the field."""

import pytest
from conftest import sample

from zendesk_escalator.core.notification import CommentHint, Notification
from zendesk_escalator.errors import IgnoredPayload, PayloadError
from zendesk_escalator.schemas.webhooks import is_event_webhook, load_event, load_trigger


def test_trigger_body_from_template():
    note = load_trigger(sample("trigger_body.json"))
    assert note == Notification(
        ticket_id=35436,
        source="trigger",
        actor_id=20978392,
        tags=("billing", "vip"),
        priority="normal",
        status="open",
        updated_at="2026-11-22T09:15:02Z",
        actor_role="end-user",
    )


def test_trigger_minimal_and_unknown_keys_excluded():
    note = load_trigger({"ticket_id": 7, "actor_id": "", "something_new": {"x": 1}})
    assert (note.ticket_id, note.actor_id, note.tags) == (7, None, None)


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "ticket_id"),
        ({"ticket_id": "abc"}, "ticket_id"),
        ({"ticket_id": 0}, "ticket_id"),
        ({"ticket_id": 2**63}, "ticket_id"),
        ({"ticket_id": 1, "actor_id": 10**30}, "actor_id"),
        ({"ticket_id": 1, "tags": 5}, "tags"),
        ({"ticket_id": 1, "actor_id": "x"}, "actor_id"),
        ([1, 2], "body"),
    ],
)
def test_trigger_errors_name_the_field(body, field):
    with pytest.raises(PayloadError) as caught:
        load_trigger(body)
    assert caught.value.field == field


LENIENT = [1.5, "١٢٣", "1_000", " 12 ", "+12", "0012", "12\n", "1e3", 12.0, True, 0, -5, 2**63, [12], {"id": 12}]


@pytest.mark.parametrize("value", LENIENT)
def test_a_trigger_ticket_id_is_a_positive_integer_or_ascii_digits_only(value):
    with pytest.raises(PayloadError) as caught:
        load_trigger({"ticket_id": value})
    assert caught.value.field == "ticket_id"


@pytest.mark.parametrize(
    "path",
    [
        ("detail", "id"),
        ("detail", "actor_id"),
        ("account_id",),
        ("event", "comment", "id"),
        ("event", "comment", "author", "id"),
    ],
)
@pytest.mark.parametrize("value", LENIENT)
def test_every_id_of_an_event_is_read_as_strictly(path, value):
    body = sample("event_comment_added.json")
    *parents, key = path
    target = body
    for name in parents:
        target = target[name]
    target[key] = value
    with pytest.raises(PayloadError) as caught:
        load_event(body)
    assert caught.value.field == ".".join(path)


def test_the_custom_field_id_of_an_event_is_read_as_strictly():
    body = sample("event_comment_added.json")
    body["type"], body["event"] = "zen:event-type:ticket.custom_field_changed", {"custom_field": {"id": "1_000"}}
    with pytest.raises(PayloadError) as caught:
        load_event(body)
    assert caught.value.field == "event.custom_field.id"


@pytest.mark.parametrize(
    "value, ticket_id", [(12, 12), ("12", 12), (2**63 - 1, 2**63 - 1), ("9223372036854775807", 2**63 - 1)]
)
def test_ids_as_zendesk_sends_them_are_read(value, ticket_id):
    assert load_trigger({"ticket_id": value}).ticket_id == ticket_id


@pytest.mark.parametrize("value", [-1, "-1"])
def test_an_actor_of_minus_one_is_zendesk_itself(value):
    """The API reference: an actor_id of "-1" is a Zendesk system user, such as an automation's action."""
    assert load_trigger({"ticket_id": 1, "actor_id": value}).actor_id == -1
    body = sample("event_comment_added.json")
    body["detail"]["actor_id"] = body["event"]["comment"]["author"]["id"] = value
    note = load_event(body)
    assert (note.actor_id, note.comment.author_id) == (-1, -1)


@pytest.mark.parametrize("event_id", ["", " cbe4028c ", "cbe4028c\n", "cbe4028c\x00", "é" * 10, "x" * 201])
def test_an_event_id_is_visible_ascii(event_id):
    body = {**sample("event_comment_added.json"), "id": event_id}
    with pytest.raises(PayloadError) as caught:
        load_event(body)
    assert caught.value.field == "id"


def test_event_webhook_comment_added():
    body = sample("event_comment_added.json")
    assert is_event_webhook(body)
    note = load_event(body)
    assert (note.ticket_id, note.source, note.event_type, note.actor_id) == (
        35436,
        "event",
        "ticket.comment_added",
        20978392,
    )
    assert (note.priority, note.status, note.tags) == ("normal", "open", ("billing", "vip"))
    assert note.extra["event_id"] == "cbe4028c-7239-495d-b020-f22348516046"
    assert note.comment == CommentHint(
        id=10004, author_id=20978392, author_is_staff=False, public=True, body=body["event"]["comment"]["body"]
    )


def test_event_hints_for_tags_and_fields():
    body = sample("event_comment_added.json")
    body["type"], body["event"] = "zen:event-type:ticket.tags_changed", {"tags_added": ["outage"], "tags_removed": []}
    assert load_event(body).tags_added == ("outage",)
    body["type"] = "zen:event-type:ticket.custom_field_changed"
    body["event"] = {
        "custom_field": {"id": "360010000001", "title": "Escalation status", "type": "tagger"},
        "current": {"value": "escalation_requested"},
        "previous": {"value": None},
    }
    assert load_event(body).field_id == 360010000001


@pytest.mark.parametrize(
    "rendered, role",
    [
        ("End-user", "end-user"),
        ("End user", "end-user"),
        ("Agent", "agent"),
        ("Admin", "admin"),
        ("Administrator", "admin"),
        ("", None),
    ],
)
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


@pytest.mark.parametrize("event_type", ["zen:event-type:user.created", "zen:event-type:ticket.subject_changed"])
def test_events_that_cannot_matter_are_ignored(event_type):
    body = sample("event_user_created.json")
    body["type"] = event_type
    with pytest.raises(IgnoredPayload):
        load_event(body)


def test_notification_round_trips_through_inbox_json():
    note = load_event(sample("event_comment_added.json"))
    assert Notification.from_dict(note.to_dict()) == note
