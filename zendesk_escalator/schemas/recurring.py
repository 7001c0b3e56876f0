"""[recurring]: an organization's run of urgent or high tickets escalates the newest."""

from datetime import timedelta
from typing import Any

from marshmallow import ValidationError, fields, validate, validates

from ..core.policy import PRIORITIES, RecurringPolicy
from .base import DataclassSchema
from .values import Duration, LevelNumber, priority, slug

# Ticket rows are kept 30 days: a longer window would let a set the service acted on come back.
LONGEST_WINDOW = timedelta(days=30)


class RecurringSchema(DataclassSchema):
    """Recurring incidents: `count` tickets or more of one organization within `within`."""

    builds = RecurringPolicy
    shapes = {"priorities": frozenset}

    enabled = fields.Boolean(load_default=True)
    count = fields.Integer(load_default=3, validate=validate.Range(min=2), strict=True)
    within = Duration(load_default=timedelta(days=7))
    priorities = fields.List(
        fields.String(validate=validate.OneOf(PRIORITIES)),
        load_default=["urgent", "high"],
        validate=validate.Length(min=1),
    )
    level = LevelNumber(load_default=2)
    reason = fields.String(load_default="recurring_incidents", validate=slug)
    priority = fields.String(load_default=None, validate=priority)
    check_every = Duration(load_default=timedelta(minutes=10))

    @validates("within")
    def not_too_long(self, value: timedelta, **_: Any) -> None:
        if not timedelta(hours=1) <= value <= LONGEST_WINDOW:
            raise ValidationError("must be between 1 hour and 30 days")

    @validates("check_every")
    def sensible_pace(self, value: timedelta, **_: Any) -> None:
        if value < timedelta(minutes=1):
            raise ValidationError("at least 1 minute (each check is one search request)")
