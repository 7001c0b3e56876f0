"""What every section of the policy file shares: strict schemas, durations, the `when` condition."""

import re
from datetime import timedelta

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate

from ..core.conditions import When
from ..core.policy import PRIORITIES
from ..core.sla.zone_names import UnknownTimeZone, iana_zone
from ..core.wording import span as span_text
from ..ids import ZendeskId, zendesk_id
from ..schemas import OneOrMany

slug = validate.Regexp(r"^[a-z0-9_]+\Z", error="use lower-case letters, digits and _ only")
priority = validate.OneOf(PRIORITIES)
LONGEST = timedelta(days=365)  # no duration in a policy means more; longer ones overflowed date arithmetic
POSITIVE = timedelta.resolution  # a Duration's `shortest` when it must be longer than zero


def _field_id(value: str) -> None:
    try:
        zendesk_id(value)
    except ValidationError:
        raise ValidationError("a custom field id (digits)") from None


class LevelNumber(fields.Integer):
    """An escalation level: a whole number from 1 to 99."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, validate=validate.Range(min=1, max=99), **kwargs)


def words(value: str) -> None:
    """A phrase: at least one letter or digit (spaces alone would match nearly every comment)."""
    if not re.search(r"\w", value):
        raise ValidationError(f"{value!r} has no word in it: a phrase needs letters or digits")


def _scalar(value) -> None:
    if not isinstance(value, (str, int, float, bool)):
        raise ValidationError("a field value must be text, a number or true/false")


class Strict(Schema):
    """Unknown keys are errors that name them (a typo must not pass unnoticed)."""

    class Meta:
        unknown = RAISE


class Duration(fields.Field):
    """A span of time written with its unit: "90s", "30m", "4h", "1d", "1h30m"; at most 365 days.

    `shortest`: the least it may be (POSITIVE: longer than zero); zero when not given.
    A bare number is refused: it does not say whether it means minutes or seconds.
    """

    PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|min|s)")
    SECONDS = {"d": 86400, "h": 3600, "m": 60, "min": 60, "s": 1}

    def __init__(self, *, shortest: timedelta = timedelta(0), **kwargs):
        super().__init__(**kwargs)
        self.shortest = shortest

    def _deserialize(self, value, attr, data, **kwargs) -> timedelta | None:
        if value is False and self.allow_none:
            return None  # "false": this moment is turned off
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValidationError(f'{value} has no unit: write "{value}m" for minutes (or s, h, d)')
        text = value.strip().lower() if isinstance(value, str) else ""
        parts = self.PART.findall(text)
        if not parts or self.PART.sub("", text).strip():
            raise ValidationError('a duration such as "30m", "4h", "1d" or "1h30m"')
        seconds = sum(float(n) * self.SECONDS[unit] for n, unit in parts)  # a float: never an overflow
        if seconds > LONGEST.total_seconds():
            raise ValidationError(f"too long: at most {LONGEST.days}d")
        span = timedelta(seconds=seconds)
        if span < self.shortest:
            least = "longer than zero" if self.shortest == POSITIVE else f"at least {span_text(self.shortest)}"
            raise ValidationError(f"{value} is too short: {least}")
        return span


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
    def build(self, data, **_):
        text = lambda values: frozenset(str(v).lower() if isinstance(v, bool) else str(v) for v in values)  # noqa: E731
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


def when_from_old_keys(data: dict, old: dict[str, str]) -> dict:
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


def known_zone(name: str) -> None:
    """Validate a time zone: an IANA name, or Zendesk's own ("Eastern Time (US & Canada)")."""
    try:
        iana_zone(name)
    except UnknownTimeZone as error:
        raise ValidationError(str(error)) from None
