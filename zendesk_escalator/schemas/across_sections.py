"""Rules that span sections of the policy file: every level it names is described, each field has one role."""

from collections.abc import Iterator
from typing import Any

from marshmallow import ValidationError

FIELD_ROLES = ("status", "level", "reason", "escalated_at")


def levels_described(data: dict[str, Any]) -> None:
    """Once [[levels]] describes any level, every level the policy escalates to must be described, once."""
    described = [level.level for level in data["levels"]]
    for n, number in enumerate(described, 1):
        if number in described[: n - 1]:
            raise ValidationError(f"level {number} is described twice", f"levels[{n}].level")
    if not described:
        return  # no hierarchical escalation: levels are numbers only
    for key, number in _levels_named(data):
        if number not in described:
            raise ValidationError(
                f"level {number} has no [[levels]] entry (described: "
                f"{', '.join(map(str, sorted(described)))}): nobody would be told at it",
                key,
            )


def one_role_per_field(data: dict[str, Any]) -> None:
    """Each [fields] role has its own field: one field cannot hold the status and the level."""
    roles: dict[int, str] = {}
    for role in FIELD_ROLES:
        field_id = getattr(data["fields_"], role)
        if field_id in roles:
            raise ValidationError(
                f"field {field_id} is also fields.{roles[field_id]}: each role needs its own field", f"fields.{role}"
            )
        if field_id is not None:
            roles[field_id] = role


def _levels_named(data: dict[str, Any]) -> Iterator[tuple[str, int]]:
    """Each level the policy can escalate to, with the key that leads there."""
    yield "cc.level", data["cc"].level
    yield "manual.level", data["manual"].level
    for n, impact in enumerate(data["impact"], 1):
        yield f"impact[{n}].level", impact.level
    sla = data["sla"]
    if sla.enabled:
        yield "sla.warning_level", sla.warning_level
        yield "sla.breach_level", sla.breach_level
        if sla.repeat_every:  # each repeat tells the next level, up to max_level
            for number in range(sla.breach_level + 1, sla.max_level + 1):
                yield "sla.max_level", number
    if data["recurring"].enabled:
        yield "recurring.level", data["recurring"].level
    if data["phone"].enabled:
        yield "phone.level", data["phone"].level
    if data["lifecycle"].enabled:
        for n, owner in enumerate(data["lifecycle"].owners, 1):
            if owner.level is not None:
                yield f"lifecycle.owners[{n}].level", owner.level
