"""[lifecycle]: owner, communication plan, monitoring, de-escalation and review."""

from datetime import timedelta

from marshmallow import ValidationError, fields, validate

from ..core.conditions import When
from ..core.policy import PRIORITIES, LifecyclePolicy, OwnerRule
from ..ids import ZendeskId
from .base import DataclassSchema
from .values import POSITIVE, Duration, LevelNumber, slug, words
from .when import WhenSchema


def _agreement(value: str) -> None:
    """Agreement phrases are looked for as text in the agent's note: three characters at least, a word among them."""
    words(value)
    if len(value.strip()) < 3:
        raise ValidationError(f"{value!r} is too short: 3 characters at least")


class OwnerSchema(DataclassSchema):
    builds = OwnerRule

    user_id = ZendeskId(required=True)
    when = fields.Nested(WhenSchema, load_default=When)
    level = LevelNumber(load_default=None)


class LifecycleSchema(DataclassSchema):
    """An escalation's life: who owns it, how often the customer hears from us, how it ends."""

    builds = LifecyclePolicy
    shapes = {"owners": tuple, "cadence": lambda cadence: tuple(cadence.items()), "agreement_phrases": tuple}

    enabled = fields.Boolean(load_default=True)
    owners = fields.List(fields.Nested(OwnerSchema), load_default=list)
    cadence = fields.Dict(
        keys=fields.String(validate=validate.OneOf(PRIORITIES)), values=Duration(shortest=POSITIVE), load_default=dict
    )
    cadence_schedule = fields.String(load_default=None, validate=validate.Length(min=1))
    missed_updates = fields.Integer(load_default=2, strict=True, validate=validate.Range(min=1))
    monitoring = Duration(load_default=timedelta(days=3))
    reopen_raises_level = fields.Boolean(load_default=False)
    deescalate_tag = fields.String(load_default="deescalate", validate=slug)
    agreement_phrases = fields.List(
        fields.String(validate=_agreement), load_default=lambda: list(LifecyclePolicy.agreement_phrases)
    )
    review_followup = fields.Boolean(load_default=False)
