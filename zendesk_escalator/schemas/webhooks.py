"""Load webhook bodies (trigger or event webhooks) into one core Notification."""

from typing import Any

from marshmallow import Schema, ValidationError

from ..core.notification import CommentHint, Notification
from ..errors import IgnoredPayload, PayloadError
from ..ids import zendesk_id
from .base import first_error
from .webhook_bodies import EventEnvelopeSchema, TriggerBodySchema

EVENT_PREFIX = "zen:event-type:"
# Ticket events that can never start an escalation; every other ticket event is
# processed, so new Zendesk event types fail open (we look) rather than closed.
IRRELEVANT_TICKET_EVENTS = frozenset(
    {
        "ticket.subject_changed",
        "ticket.description_changed",
        "ticket.external_id_changed",
        "ticket.brand_changed",
        "ticket.attachment_linked_to_comment",
        "ticket.attachment_redacted_from_comment",
        "ticket.comment_redacted",
        "ticket.comment_made_private",
        "ticket.marked_as_spam",
        "ticket.soft_deleted",
        "ticket.permanently_deleted",
        "ticket.merged",
        "ticket.task_due_at_changed",
    }
)


# The body a trigger's "Notify active webhook" action sends (documented in the README and
# written by `escalator setup`): ids and single words only, never free text that could break
# the JSON. Only ticket_id is required; the rest are hints for screening.
TRIGGER_BODY_TEMPLATE = {
    "ticket_id": "{{ticket.id}}",
    "updated_at": "{{ticket.updated_at_with_timestamp}}",
    "tags": "{{ticket.tags}}",
    "priority": "{{ticket.priority}}",
    "status": "{{ticket.status}}",
    "actor_id": "{{current_user.id}}",
    "actor_role": "{{current_user.role}}",
    "via": "{{ticket.via}}",
}


# The body `escalator check` and `setup` ask Zendesk's webhook test to send: answered 200, never stored.
TEST_BODY = {"test": "zendesk-escalator"}


def is_test(body: object) -> bool:
    """Whether a webhook body is Zendesk's test request made by `check` or `setup` (or by hand with TEST_BODY)."""
    return body == TEST_BODY


def is_event_webhook(body: object) -> bool:
    """Tell event webhooks (typed envelope) from trigger webhooks."""
    kind = body.get("type") if isinstance(body, dict) else None
    return isinstance(kind, str) and kind.startswith(EVENT_PREFIX)


# Schemas hold no per-load state; building one per request costs more than the load itself.
TRIGGER_SCHEMA, EVENT_SCHEMA = TriggerBodySchema(), EventEnvelopeSchema()


def load_trigger(body: object) -> Notification:
    """Validate a trigger webhook body."""
    data = _load(TRIGGER_SCHEMA, body)
    return Notification(source="trigger", **data)


def load_event(body: object) -> Notification:
    """Validate an event webhook; raise IgnoredPayload for events that cannot matter."""
    envelope = _load(EVENT_SCHEMA, body)
    event_type = envelope["type"].removeprefix(EVENT_PREFIX)
    if not event_type.startswith("ticket."):
        raise IgnoredPayload(f"event type {envelope['type']} is not a ticket event")
    if event_type in IRRELEVANT_TICKET_EVENTS:
        raise IgnoredPayload(f"event type {envelope['type']} cannot start an escalation")
    detail, event = envelope["detail"], envelope["event"]
    comment = event.get("comment")
    return Notification(
        ticket_id=detail.get("id") or _ticket_id_from_subject(envelope.get("subject")),
        source="event",
        event_type=event_type,
        actor_id=detail.get("actor_id"),
        tags=detail.get("tags"),
        priority=detail.get("priority"),
        status=detail.get("status"),
        updated_at=detail.get("updated_at"),
        comment=_comment_hint(comment) if comment else None,
        tags_added=tuple(event["tags_added"]) if event.get("tags_added") is not None else None,
        field_id=(event.get("custom_field") or {}).get("id"),
        via=_channel(detail.get("via")),
        extra={"event_id": envelope["id"], "account_id": envelope.get("account_id")},
    )


def _channel(via: dict[str, Any] | None) -> str | None:
    channel = (via or {}).get("channel")
    return str(channel) if isinstance(channel, (str, int)) and not isinstance(channel, bool) else None


def _comment_hint(comment: dict[str, Any]) -> CommentHint:
    author = comment.get("author") or {}
    return CommentHint(
        id=comment.get("id"),
        author_id=author.get("id"),
        author_is_staff=author.get("is_staff"),
        public=comment.get("is_public"),
        body=comment.get("body"),
    )


def _ticket_id_from_subject(subject: str | None) -> int:
    prefix = "zen:ticket:"
    number = subject[len(prefix) :] if subject and subject.startswith(prefix) else None
    try:
        return zendesk_id(number)
    except ValidationError:
        raise PayloadError("detail.id", "missing ticket id (neither detail.id nor subject zen:ticket:<id>)") from None


def _load(schema: Schema, body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise PayloadError("body", "must be a JSON object")
    try:
        loaded: dict[str, Any] = schema.load(body)  # the schemas here have no post_load: a dict
        return loaded
    except ValidationError as error:
        field_name, problem = first_error(error.messages)
        raise PayloadError(field_name, problem) from None
