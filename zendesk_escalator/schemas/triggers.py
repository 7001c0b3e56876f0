"""[cc], [manual] and [[impact]]: what escalates a ticket, at which level and priority."""

from typing import Any, ClassVar

from marshmallow import ValidationError, fields, pre_load, validates

from ..core.conditions import When
from ..core.policy import ImpactRule, ManualRule, Trigger
from .base import DataclassSchema
from .values import LevelNumber, priority, slug
from .when import WhenSchema, when_from_old_keys


class TriggerSchema(DataclassSchema):
    builds: ClassVar[type] = Trigger  # annotated: ManualSchema, its subclass, builds another

    level = LevelNumber(load_default=1)
    priority = fields.String(load_default=None, validate=priority)


class ManualSchema(TriggerSchema):
    builds = ManualRule

    tag = fields.String(load_default="escalate", validate=slug)


class ImpactSchema(DataclassSchema):
    builds = ImpactRule

    reason = fields.String(required=True, validate=slug)
    level = LevelNumber(load_default=2)
    priority = fields.String(load_default=None, validate=priority)
    when = fields.Nested(WhenSchema, required=True)

    @pre_load
    def older_keys(self, data: object, **_: Any) -> object:
        return when_from_old_keys(data, {"tag": "tags_any"}) if isinstance(data, dict) else data

    @validates("when")
    def not_empty(self, value: When, **_: Any) -> None:
        if value == When():
            raise ValidationError("an empty condition would escalate every ticket")
