"""The values the policy file's sections share: names, priorities, levels, durations, phrases, time zones."""

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from marshmallow import ValidationError, fields, validate

from ..core.policy import PRIORITIES
from ..core.sla.zone_names import UnknownTimeZone, iana_zone
from ..core.wording import span as span_text

slug = validate.Regexp(r"^[a-z0-9_]+\Z", error="use lower-case letters, digits and _ only")
priority = validate.OneOf(PRIORITIES)
LONGEST = timedelta(days=365)  # no duration in a policy means more; longer ones overflowed date arithmetic
POSITIVE = timedelta.resolution  # a Duration's `shortest` when it must be longer than zero


class LevelNumber(fields.Integer):
    """An escalation level: a whole number from 1 to 99."""

    def __init__(self, **kwargs: Any):
        super().__init__(strict=True, validate=validate.Range(min=1, max=99), **kwargs)


def words(value: str) -> None:
    """A phrase: at least one letter or digit (spaces alone would match nearly every comment)."""
    if not re.search(r"\w", value):
        raise ValidationError(f"{value!r} has no word in it: a phrase needs letters or digits")


class Duration(fields.Field[timedelta | None]):
    """A span of time written with its unit: "90s", "30m", "4h", "1d", "1h30m"; at most 365 days.

    `shortest`: the least it may be (POSITIVE: longer than zero); zero when not given.
    A bare number is refused: it does not say whether it means minutes or seconds.
    """

    PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|min|s)")
    SECONDS = {"d": 86400, "h": 3600, "m": 60, "min": 60, "s": 1}

    def __init__(self, *, shortest: timedelta = timedelta(0), **kwargs: Any):
        super().__init__(**kwargs)
        self.shortest = shortest

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> timedelta | None:
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


def known_zone(name: str) -> None:
    """Validate a time zone: an IANA name, or Zendesk's own ("Eastern Time (US & Canada)")."""
    try:
        iana_zone(name)
    except UnknownTimeZone as error:
        raise ValidationError(str(error)) from None
