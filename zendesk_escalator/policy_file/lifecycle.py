"""[lifecycle]: owner, communication plan, monitoring, de-escalation and review."""

from datetime import timedelta

from marshmallow import ValidationError, fields, post_load, validate, validates

from ..core.conditions import When
from ..core.policy import PRIORITIES, LifecyclePolicy, OwnerRule
from ..schemas import ID
from .common import Duration, Strict, WhenSchema, slug


class OwnerSchema(Strict):
    user_id = fields.Integer(required=True, validate=ID)
    when = fields.Nested(WhenSchema, load_default=When)
    level = fields.Integer(load_default=None, validate=ID)

    @post_load
    def build(self, data, **_):
        return OwnerRule(**data)


class LifecycleSchema(Strict):
    """An escalation's life: who owns it, how often the customer hears from us, how it ends."""

    enabled = fields.Boolean(load_default=True)
    owners = fields.List(fields.Nested(OwnerSchema), load_default=list)
    cadence = fields.Dict(keys=fields.String(validate=validate.OneOf(PRIORITIES)), values=Duration(),
                          load_default=dict)
    cadence_schedule = fields.String(load_default=None, validate=validate.Length(min=1))
    missed_updates = fields.Integer(load_default=2, validate=ID)
    monitoring = Duration(load_default=timedelta(days=3))
    reopen_raises_level = fields.Boolean(load_default=False)
    deescalate_tag = fields.String(load_default="deescalate", validate=slug)
    agreement_phrases = fields.List(fields.String(validate=validate.Length(min=3)),
                                    load_default=lambda: list(LifecyclePolicy.agreement_phrases))
    review_followup = fields.Boolean(load_default=False)

    @validates("cadence")
    def positive(self, value, **_):
        if any(every <= timedelta(0) for every in value.values()):
            raise ValidationError("every cadence must be longer than zero")

    @post_load
    def build(self, data, **_):
        return LifecyclePolicy(**{**data, "owners": tuple(data["owners"]), "cadence": tuple(data["cadence"].items()),
                                  "agreement_phrases": tuple(data["agreement_phrases"])})
