"""The one condition type of the policy file, `when`, and the older keys (release 0.1.0) it replaced."""

from typing import Any, Iterable

from marshmallow import ValidationError, fields, post_load, validate

from ..core.conditions import When
from ..ids import ZendeskId, zendesk_id
from .base import OneOrMany, Strict
from .values import priority, words


def _field_id(value: str) -> None:
    try:
        zendesk_id(value)
    except ValidationError:
        raise ValidationError("a custom field id (digits)") from None


def _scalar(value: object) -> None:
    if not isinstance(value, (str, int, float, bool)):
        raise ValidationError("a field value must be text, a number or true/false")


class WhenSchema(Strict):
    """The one condition type: every part that is set must hold."""

    tags_any = OneOrMany(fields.String(validate=validate.Length(min=1)), load_default=list)
    tags_all = OneOrMany(fields.String(validate=validate.Length(min=1)), load_default=list)
    tags_none = OneOrMany(fields.String(validate=validate.Length(min=1)), load_default=list)
    priority = OneOrMany(fields.String(validate=priority), load_default=list)
    form_id = OneOrMany(ZendeskId(), load_default=list)
    organization_id = OneOrMany(ZendeskId(), load_default=list)
    brand_id = OneOrMany(ZendeskId(), load_default=list)
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(validate=_field_id),
        values=OneOrMany(fields.Raw(validate=_scalar)),
        load_default=dict,
    )
    phrases = OneOrMany(fields.String(validate=words), load_default=list)

    @post_load
    def build(self, data: dict[str, Any], **_: Any) -> When:
        def text(values: Iterable[object]) -> frozenset[str]:
            return frozenset(str(v).lower() if isinstance(v, bool) else str(v) for v in values)

        return When(
            tags_any=frozenset(data["tags_any"]),
            tags_all=frozenset(data["tags_all"]),
            tags_none=frozenset(data["tags_none"]),
            priority=frozenset(data["priority"]),
            form_id=frozenset(data["form_id"]),
            organization_id=frozenset(data["organization_id"]),
            brand_id=frozenset(data["brand_id"]),
            fields=tuple((int(fid), text(values)) for fid, values in data["fields_"].items()),
            phrases=tuple(data["phrases"]),
        )


def when_from_old_keys(data: dict[str, Any], old: dict[str, str]) -> dict[str, Any]:
    """Keys of release 0.1.0 become a `when`; mixing both forms is an error that says so."""
    found = {key: data[key] for key in old if key in data}
    if not found:
        return data
    if "when" in data:
        raise ValidationError(
            f"use `when` alone; {', '.join(found)} are its older spelling (see examples/escalation.toml)",
            field_name=next(iter(found)),
        )
    data = {k: v for k, v in data.items() if k not in found}
    when = {}
    for key, value in found.items():
        if key == "field":  # field = {id, value} -> fields = {"<id>" = value}
            value = {str(value.get("id")): value.get("value")} if isinstance(value, dict) else value
        when[old[key]] = value
    data["when"] = when
    return data
