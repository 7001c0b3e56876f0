"""The policy file: TOML validated with marshmallow into core.policy types; errors name the key."""

import re
import tomllib
from datetime import timedelta
from pathlib import Path
from string import Template

from marshmallow import (RAISE, Schema, ValidationError, fields, post_load, pre_load, validate, validates,
                         validates_schema)

from .core.conditions import When
from .core.policy import (DEFAULT_NOTE, NOTE_PLACEHOLDERS, PRIORITIES, FallbackTarget, FieldIds,
                          ImpactRule, Level, ManualRule, Policy, Route, SlaPolicy, StatusValues, Trigger,
                          WarnRule)
from .core.zones import iana_zone
from .errors import ConfigError
from .schedule_file import Schedules
from .schemas import ID, OneOrMany, first_error

_slug = validate.Regexp(r"^[a-z0-9_]+$", error="use lower-case letters, digits and _ only")
_priority = validate.OneOf(PRIORITIES)
_field_id = validate.Regexp(r"^[1-9][0-9]{0,18}$", error="a custom field id (digits)")


def _scalar(value) -> None:
    if not isinstance(value, (str, int, float, bool)):
        raise ValidationError("a field value must be text, a number or true/false")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class Duration(fields.Field):
    """A span of time: "90s", "30m", "4h", "1d", "1h30m", or a number of minutes."""

    PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|min|s)")
    UNITS = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1),
             "min": timedelta(minutes=1), "s": timedelta(seconds=1)}

    def _deserialize(self, value, attr, data, **kwargs) -> timedelta | None:
        if value is False and self.allow_none:
            return None  # "false": this moment is turned off
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            return timedelta(minutes=value)
        text = value.strip().lower() if isinstance(value, str) else ""
        parts = self.PART.findall(text)
        if not parts or self.PART.sub("", text).strip():
            raise ValidationError('a duration such as "30m", "4h", "1d" or "1h30m"')
        return sum((float(n) * self.UNITS[unit] for n, unit in parts), timedelta(0))


class WhenSchema(_Strict):
    """The one condition type: every part that is set must hold."""

    tags_any = OneOrMany(fields.String(validate=validate.Length(min=1)), load_default=list)
    tags_all = OneOrMany(fields.String(validate=validate.Length(min=1)), load_default=list)
    tags_none = OneOrMany(fields.String(validate=validate.Length(min=1)), load_default=list)
    priority = OneOrMany(fields.String(validate=_priority), load_default=list)
    form_id = OneOrMany(fields.Integer(validate=ID), load_default=list)
    organization_id = OneOrMany(fields.Integer(validate=ID), load_default=list)
    brand_id = OneOrMany(fields.Integer(validate=ID), load_default=list)
    fields_ = fields.Dict(data_key="fields", keys=fields.String(validate=_field_id),
                          values=OneOrMany(fields.Raw(validate=_scalar)), load_default=dict)
    phrases = OneOrMany(fields.String(validate=validate.Length(min=1)), load_default=list)

    @post_load
    def build(self, data, **_):
        text = lambda values: frozenset(str(v).lower() if isinstance(v, bool) else str(v) for v in values)  # noqa: E731
        return When(
            tags_any=frozenset(data["tags_any"]), tags_all=frozenset(data["tags_all"]),
            tags_none=frozenset(data["tags_none"]), priority=frozenset(data["priority"]),
            form_id=frozenset(data["form_id"]), organization_id=frozenset(data["organization_id"]),
            brand_id=frozenset(data["brand_id"]),
            fields=tuple((int(fid), text(values)) for fid, values in data["fields_"].items()),
            phrases=tuple(data["phrases"]))


def _when_from_old_keys(data: dict, old: dict[str, str]) -> dict:
    """Keys of release 0.1.0 become a `when`; mixing both forms is an error that says so."""
    found = {key: data[key] for key in old if key in data}
    if not found:
        return data
    if "when" in data:
        raise ValidationError(f"use `when` alone; {', '.join(found)} are its older spelling "
                              f"(see examples/escalation.toml)", field_name=next(iter(found)))
    data = {k: v for k, v in data.items() if k not in found}
    when = {}
    for key, value in found.items():
        if key == "field":  # field = {id, value} -> fields = {"<id>" = value}
            value = {str(value.get("id")): value.get("value")} if isinstance(value, dict) else value
        when[old[key]] = value
    data["when"] = when
    return data


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
    reason = fields.String(required=True, validate=_slug)
    level = fields.Integer(load_default=2, validate=ID)
    priority = fields.String(load_default=None, validate=_priority)
    when = fields.Nested(WhenSchema, required=True)

    @pre_load
    def older_keys(self, data, **_):
        return _when_from_old_keys(data, {"tag": "tags_any"}) if isinstance(data, dict) else data

    @validates("when")
    def not_empty(self, value, **_):
        if value == When():
            raise ValidationError("an empty condition would escalate every ticket")

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


class RouteSchema(_Strict):
    group_id = fields.Integer(required=True, validate=ID)
    assignee_id = fields.Integer(load_default=None, validate=ID)
    when = fields.Nested(WhenSchema, load_default=When)

    @pre_load
    def older_keys(self, data, **_):
        old = {"tags": "tags_any", "form_id": "form_id", "field": "fields"}
        return _when_from_old_keys(data, old) if isinstance(data, dict) else data

    @post_load
    def build(self, data, **_):
        return Route(**data)


class FieldIdsSchema(_Strict):
    status = fields.Integer(load_default=None, validate=ID)
    level = fields.Integer(load_default=None, validate=ID)
    reason = fields.Integer(load_default=None, validate=ID)
    escalated_at = fields.Integer(load_default=None, validate=ID)

    @post_load
    def build(self, data, **_):
        return FieldIds(**data)


class FieldValuesSchema(_Strict):
    active = fields.String(load_default="escalation_active", validate=_slug)
    requested = fields.String(load_default="escalation_requested", validate=_slug)

    @post_load
    def build(self, data, **_):
        return StatusValues(**data)


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


class WarnSchema(_Strict):
    before = Duration(required=True)
    when = fields.Nested(WhenSchema, load_default=When)
    metric = fields.String(load_default=None, validate=_slug)

    @post_load
    def build(self, data, **_):
        return WarnRule(**data)


class FallbackSchema(_Strict):
    first_reply = Duration(required=True)
    when = fields.Nested(WhenSchema, load_default=When)
    schedule = fields.String(load_default=None, validate=validate.Length(min=1))

    @post_load
    def build(self, data, **_):
        return FallbackTarget(**data)


def _zone(name: str) -> None:
    try:
        iana_zone(name)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class SlaSchema(_Strict):
    """[sla]: act on Zendesk's own SLA clock (and the service's fallback targets)."""

    enabled = fields.Boolean(load_default=True)
    metrics = OneOrMany(fields.String(validate=_slug), load_default=list)
    warn_before = Duration(load_default=timedelta(minutes=30), allow_none=True)
    warn = fields.List(fields.Nested(WarnSchema), load_default=list)
    stages = OneOrMany(fields.Integer(validate=validate.Range(min=1, max=99)), load_default=list)
    schedule = fields.String(load_default="zendesk", validate=validate.Length(min=1))
    warning_level = fields.Integer(load_default=1, validate=ID)
    breach_level = fields.Integer(load_default=2, validate=ID)
    breach_priority = fields.String(load_default=None, validate=_priority)
    grace = Duration(load_default=timedelta(0))
    repeat_every = Duration(load_default=timedelta(hours=1), allow_none=True)
    max_level = fields.Integer(load_default=3, validate=ID)
    time_zone = fields.String(load_default="UTC", validate=_zone)
    fallback = fields.List(fields.Nested(FallbackSchema), load_default=list)

    @validates_schema
    def levels_in_order(self, data, **_):
        if not data["warning_level"] <= data["breach_level"] <= data["max_level"]:
            raise ValidationError("must hold: warning_level <= breach_level <= max_level", "breach_level")

    @post_load
    def build(self, data, **_):
        return SlaPolicy(**{**data, "metrics": frozenset(data["metrics"]), "warn": tuple(data["warn"]),
                            "stages": tuple(sorted(set(data["stages"]))), "fallback": tuple(data["fallback"])})


class PolicySchema(_Strict):
    escalation = fields.Nested(EscalationSchema, required=True)
    fields_ = fields.Nested(FieldIdsSchema, data_key="fields", load_default=FieldIds)
    field_values = fields.Nested(FieldValuesSchema, load_default=StatusValues)
    cc = fields.Nested(TriggerSchema, load_default=Trigger)
    manual = fields.Nested(ManualSchema, load_default=ManualRule)
    impact = fields.List(fields.Nested(ImpactSchema), load_default=list)
    levels = fields.List(fields.Nested(LevelSchema), load_default=list)
    routes = fields.List(fields.Nested(RouteSchema), load_default=list)
    sla = fields.Nested(SlaSchema, load_default=SlaPolicy)
    schedules = Schedules(load_default=dict)

    @validates_schema
    def schedules_named_exist(self, data, **_):
        named = [("sla.schedule", data["sla"].schedule)]
        named += [(f"sla.fallback.{n}.schedule", t.schedule) for n, t in enumerate(data["sla"].fallback)]
        for key, name in named:
            if name and name != "zendesk" and name not in data["schedules"]:
                known = ", ".join(["zendesk", *sorted(data["schedules"])])
                raise ValidationError(f"no [schedules.{name}] in the policy (known: {known})", key)

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
            values=data["field_values"],
            cc=data["cc"],
            manual=data["manual"],
            impacts=tuple(data["impact"]),
            levels=tuple(data["levels"]),
            routes=tuple(data["routes"]),
            sla=data["sla"],
            schedules=data["schedules"],
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
