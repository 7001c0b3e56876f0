"""The bodies Zendesk's webhooks send, as marshmallow schemas: a trigger's template and an event's envelope."""

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate

from ..ids import RenderedId, ZendeskId
from .base import Lenient

EVENT_ID = validate.Regexp(r"^[\x21-\x7e]{1,200}\Z", error="an event id: 1 to 200 visible ASCII characters")


class TagList(fields.Field[tuple[str, ...]]):
    """Tags as a list or as Zendesk renders {{ticket.tags}}: one space-separated string."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> tuple[str, ...]:
        if isinstance(value, str):
            return tuple(value.split())
        if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
            return tuple(value)
        raise ValidationError("must be a list of strings or a space-separated string")


class LowerString(fields.String):
    """String hint normalised to lower case (event webhooks send enums upper-case)."""

    # Where String answers a str, this one answers None for "" (unset): hence the override ignore.
    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str | None:  # type: ignore[override]
        text = super()._deserialize(value, attr, data, **kwargs)
        return text.lower() or None


class Role(fields.String):
    """{{current_user.role}} ("End-user", "Agent", "Admin") as the API spells roles."""

    SPELLINGS = {"enduser": "end-user", "administrator": "admin"}

    # Where String answers a str, this one answers None for "" (unset): hence the override ignore.
    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str | None:  # type: ignore[override]
        text = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        compact = "".join(ch for ch in text if ch.isalpha())
        return self.SPELLINGS.get(compact, compact) or None


class TriggerBodySchema(Lenient):
    """The JSON body template documented in the README for trigger webhooks."""

    ticket_id = ZendeskId(required=True)
    actor_id = RenderedId(load_default=None, actor=True)
    tags = TagList(load_default=None)
    priority = LowerString(load_default=None)
    status = LowerString(load_default=None)
    updated_at = fields.String(load_default=None)
    actor_role = Role(load_default=None)
    escalation_status = fields.String(load_default=None)
    via = fields.String(load_default=None)


class ViaSchema(Lenient):
    """A ticket event's `detail.via`: the channel the ticket came through."""

    channel = fields.Raw(load_default=None, allow_none=True)


class TicketDetailSchema(Lenient):
    """The `detail` object of a ticket event (ids arrive as strings)."""

    id = RenderedId(load_default=None)
    actor_id = RenderedId(load_default=None, actor=True)
    tags = TagList(load_default=None)
    priority = LowerString(load_default=None, allow_none=True)
    status = LowerString(load_default=None, allow_none=True)
    updated_at = fields.String(load_default=None, allow_none=True)
    via = fields.Nested(ViaSchema, load_default=dict, allow_none=True)


class CommentAuthorSchema(Lenient):
    id = RenderedId(load_default=None, actor=True)
    is_staff = fields.Boolean(load_default=None, allow_none=True)


class EventCommentSchema(Lenient):
    id = RenderedId(load_default=None)
    body = fields.String(load_default=None, allow_none=True)
    is_public = fields.Boolean(load_default=None, allow_none=True)
    author = fields.Nested(CommentAuthorSchema, load_default=dict)


class CustomFieldRefSchema(Lenient):
    id = RenderedId(load_default=None)


class EventDataSchema(Lenient):
    """The `event` object: what changed (only the parts screening reads)."""

    comment = fields.Nested(EventCommentSchema, load_default=None, allow_none=True)
    tags_added = fields.List(fields.String(), load_default=None, allow_none=True)
    custom_field = fields.Nested(CustomFieldRefSchema, load_default=None, allow_none=True)


class EventEnvelopeSchema(Lenient):
    """The envelope Zendesk event webhooks share."""

    type = fields.String(required=True)
    id = fields.String(required=True, validate=EVENT_ID)
    account_id = RenderedId(load_default=None)
    time = fields.String(load_default=None)
    subject = fields.String(load_default=None)
    detail = fields.Nested(TicketDetailSchema, load_default=dict)
    event = fields.Nested(EventDataSchema, load_default=dict)
