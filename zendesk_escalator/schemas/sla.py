"""[sla]: acting on Zendesk's own SLA clock, and the service's fallback targets."""

from datetime import timedelta
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.conditions import When
from ..core.sla_policy import FallbackTarget, SlaPolicy, WarnRule
from .base import DataclassSchema, OneOrMany
from .values import POSITIVE, Duration, LevelNumber, known_zone, priority, slug
from .when import WhenSchema


class WarnSchema(DataclassSchema):
    builds = WarnRule

    before = Duration(required=True, shortest=POSITIVE)
    when = fields.Nested(WhenSchema, load_default=When)
    metric = fields.String(load_default=None, validate=slug)


class FallbackSchema(DataclassSchema):
    builds = FallbackTarget

    first_reply = Duration(required=True, shortest=POSITIVE)
    when = fields.Nested(WhenSchema, load_default=When)
    schedule = fields.String(load_default=None, validate=validate.Length(min=1))


class SlaSchema(DataclassSchema):
    """[sla]: act on Zendesk's own SLA clock (and the service's fallback targets)."""

    builds = SlaPolicy
    shapes = {
        "metrics": frozenset,
        "warn": tuple,
        "stages": lambda stages: tuple(sorted(set(stages))),
        "fallback": tuple,
    }

    enabled = fields.Boolean(load_default=True)
    metrics = OneOrMany(fields.String(validate=slug), load_default=list)
    warn_before = Duration(load_default=timedelta(minutes=30), allow_none=True, shortest=POSITIVE)
    warn = fields.List(fields.Nested(WarnSchema), load_default=list)
    stages = OneOrMany(fields.Integer(strict=True, validate=validate.Range(min=1, max=99)), load_default=list)
    schedule = fields.String(load_default="zendesk", validate=validate.Length(min=1))
    warning_level = LevelNumber(load_default=1)
    breach_level = LevelNumber(load_default=2)
    breach_priority = fields.String(load_default=None, validate=priority)
    grace = Duration(load_default=timedelta(0))
    repeat_every = Duration(load_default=timedelta(hours=1), allow_none=True, shortest=timedelta(minutes=1))
    max_level = LevelNumber(load_default=3)
    time_zone = fields.String(load_default="UTC", validate=known_zone)
    fallback = fields.List(fields.Nested(FallbackSchema), load_default=list)

    @validates_schema
    def levels_in_order(self, data: dict[str, Any], **_: Any) -> None:
        if not data["warning_level"] <= data["breach_level"] <= data["max_level"]:
            raise ValidationError("must hold: warning_level <= breach_level <= max_level", "breach_level")
