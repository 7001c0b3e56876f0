"""The policy file: TOML validated with marshmallow into core.policy types; errors name the key."""

import tomllib
from pathlib import Path
from string import Template

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates

from .core.policy import (DEFAULT_NOTE, NOTE_PLACEHOLDERS, PRIORITIES, FieldIds, ImpactRule, Level,
                          ManualRule, Policy, Route, Trigger)
from .errors import ConfigError
from .schemas import ID, first_error

_slug = validate.Regexp(r"^[a-z0-9_]+$", error="use lower-case letters, digits and _ only")
_priority = validate.OneOf(PRIORITIES)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class TriggerSchema(_Strict):
    level = fields.Integer(load_default=1, validate=ID)
    priority = fields.String(load_default=None, validate=_priority)

    @post_load
    def build(self, data, **_):
        return Trigger(**data)


class ManualSchema(TriggerSchema):
    tag = fields.String(load_default="escalate", validate=_slug)

    @post_load
    def build(self, data, **_):
        return ManualRule(**data)


class ImpactSchema(_Strict):
    tag = fields.String(required=True, validate=validate.Length(min=1))
    reason = fields.String(required=True, validate=_slug)
    level = fields.Integer(load_default=2, validate=ID)
    priority = fields.String(load_default=None, validate=_priority)

    @post_load
    def build(self, data, **_):
        return ImpactRule(**data)


class LevelSchema(_Strict):
    level = fields.Integer(required=True, validate=ID)
    name = fields.String(load_default="")
    followers = fields.List(fields.Integer(validate=ID), load_default=list)

    @post_load
    def build(self, data, **_):
        return Level(data["level"], data["name"], tuple(data["followers"]))


class FieldMatchSchema(_Strict):
    id = fields.Integer(required=True, validate=ID)
    value = fields.String(required=True)


class RouteSchema(_Strict):
    group_id = fields.Integer(required=True, validate=ID)
    assignee_id = fields.Integer(load_default=None, validate=ID)
    tags = fields.List(fields.String(), load_default=list)
    form_id = fields.Integer(load_default=None, validate=ID)
    field = fields.Nested(FieldMatchSchema, load_default=None)

    @post_load
    def build(self, data, **_):
        match = data.pop("field") or {}
        return Route(tags=frozenset(data.pop("tags")), field_id=match.get("id"),
                     field_value=match.get("value"), **data)


class FieldIdsSchema(_Strict):
    status = fields.Integer(load_default=None, validate=ID)
    level = fields.Integer(load_default=None, validate=ID)
    reason = fields.Integer(load_default=None, validate=ID)
    escalated_at = fields.Integer(load_default=None, validate=ID)

    @post_load
    def build(self, data, **_):
        return FieldIds(**data)


class FieldValuesSchema(_Strict):
    active = fields.String(load_default="escalation_active", validate=validate.Length(min=1))
    requested = fields.String(load_default="escalation_requested", validate=validate.Length(min=1))


class EscalationSchema(_Strict):
    addresses = fields.List(fields.Email(), required=True, validate=validate.Length(min=1))
    default_group_id = fields.Integer(load_default=None, validate=ID)
    integration_user_id = fields.Integer(load_default=None, validate=ID)
    tag = fields.String(load_default="escalated", validate=_slug)
    note_template = fields.String(load_default=DEFAULT_NOTE)

    @validates("note_template")
    def known_placeholders(self, value, **_):
        try:
            names = set(Template(value).get_identifiers())
        except ValueError as error:
            raise ValidationError(f"not a valid template: {error}") from None
        unknown = names - NOTE_PLACEHOLDERS
        if unknown:
            raise ValidationError(
                f"unknown placeholder(s) {sorted(unknown)}; use {sorted(NOTE_PLACEHOLDERS)}")


class PolicySchema(_Strict):
    escalation = fields.Nested(EscalationSchema, required=True)
    fields_ = fields.Nested(FieldIdsSchema, data_key="fields", load_default=FieldIds)
    field_values = fields.Nested(FieldValuesSchema, load_default=dict)
    cc = fields.Nested(TriggerSchema, load_default=Trigger)
    manual = fields.Nested(ManualSchema, load_default=ManualRule)
    impact = fields.List(fields.Nested(ImpactSchema), load_default=list)
    levels = fields.List(fields.Nested(LevelSchema), load_default=list)
    routes = fields.List(fields.Nested(RouteSchema), load_default=list)

    @post_load
    def build(self, data, **_):
        escalation = data["escalation"]
        return Policy(
            addresses=frozenset(a.lower() for a in escalation["addresses"]),
            default_group_id=escalation["default_group_id"],
            integration_user_id=escalation["integration_user_id"],
            escalated_tag=escalation["tag"],
            note_template=escalation["note_template"],
            fields=data["fields_"],
            active_value=data["field_values"].get("active", "escalation_active"),
            requested_value=data["field_values"].get("requested", "escalation_requested"),
            cc=data["cc"],
            manual=data["manual"],
            impacts=tuple(data["impact"]),
            levels=tuple(data["levels"]),
            routes=tuple(data["routes"]),
        )


def parse_policy(text: str) -> Policy:
    """Parse and validate policy TOML; ConfigError names the offending key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("policy", f"not valid TOML: {error}") from None
    try:
        return PolicySchema().load(raw)
    except ValidationError as error:
        key, problem = first_error(error.messages)
        raise ConfigError(key, problem) from None


def load_policy(path: str | Path) -> Policy:
    """Read and validate the policy file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError("ESCALATOR_RULES", f"cannot read policy file {path}: {error.strerror}") from None
    return parse_policy(text)
