"""[[levels]] and [[routes]]: who follows an escalation at each level, and which group an escalated ticket goes to."""

from typing import Any

from marshmallow import fields, pre_load

from ..core.conditions import When
from ..core.policy import Level, Route
from ..ids import ZendeskId
from .base import DataclassSchema
from .values import LevelNumber
from .when import WhenSchema, when_from_old_keys


class LevelSchema(DataclassSchema):
    builds = Level
    shapes = {"followers": tuple}

    level = LevelNumber(required=True)
    name = fields.String(load_default="")
    followers = fields.List(ZendeskId(), load_default=list)


class RouteSchema(DataclassSchema):
    builds = Route

    group_id = ZendeskId(required=True)
    assignee_id = ZendeskId(load_default=None)
    when = fields.Nested(WhenSchema, load_default=When)

    @pre_load
    def older_keys(self, data: object, **_: Any) -> object:
        old = {"tags": "tags_any", "form_id": "form_id", "field": "fields"}
        return when_from_old_keys(data, old) if isinstance(data, dict) else data
