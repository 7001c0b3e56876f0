"""[phone]: the escalation hotline, Zendesk Talk numbers (or lines) whose calls escalate."""

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.channels import HotlinePolicy
from ..ids import ZendeskId
from .base import DataclassSchema
from .values import LevelNumber, priority, slug

E164 = validate.Regexp(r"^\+[1-9]\d{6,14}\Z", error='a number in E.164: "+" and 7 to 15 digits, e.g. "+14155550100"')


class PhoneSchema(DataclassSchema):
    """A call to one of these numbers or lines escalates its ticket, as [cc] does an email."""

    builds = HotlinePolicy
    shapes = {"numbers": frozenset, "line_ids": frozenset}

    numbers = fields.List(fields.String(validate=E164), load_default=list)
    line_ids = fields.List(ZendeskId(), load_default=list)
    level = LevelNumber(load_default=2)
    priority = fields.String(load_default=None, validate=priority)
    reason = fields.String(load_default="phone", validate=slug)

    @validates_schema
    def names_a_line(self, data: dict[str, Any], **_: Any) -> None:
        if not data["numbers"] and not data["line_ids"]:
            raise ValidationError(
                "name the hotline: numbers (E.164) or line_ids (Talk lines), or leave [phone] out", "numbers"
            )
