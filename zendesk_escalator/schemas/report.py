"""[report]: the daily status report, posted on a ticket or sent as a new ticket to an address."""

import re
from collections.abc import Mapping
from datetime import time
from typing import Any

from marshmallow import ValidationError, fields, validates_schema

from ..core.policy import ReportPolicy
from ..ids import ZendeskId
from .base import DataclassSchema
from .values import known_zone

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


class _TimeOfDay(fields.Field[time]):
    """A local time "HH:MM"."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> time:
        match = _HHMM.match(value.strip()) if isinstance(value, str) else None
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValidationError(f'{value!r} is not a time of day: write "HH:MM", such as "08:00"')
        return time(int(match.group(1)), int(match.group(2)))


class ReportSchema(DataclassSchema):
    """[report]: when the daily report goes out, and where."""

    builds = ReportPolicy

    enabled = fields.Boolean(load_default=True)
    daily_at = _TimeOfDay(load_default=lambda: time(8, 0))
    time_zone = fields.String(load_default="UTC", validate=known_zone)
    ticket_id = ZendeskId(load_default=None)
    email = fields.Email(load_default=None)
    name = fields.String(load_default=None)

    @validates_schema
    def one_destination(self, data: dict[str, Any], **_: Any) -> None:
        if data["enabled"] and (data["ticket_id"] is None) == (data["email"] is None):
            raise ValidationError(
                "set ticket_id (an internal note on that ticket) or email (a new ticket to "
                "that address), one of the two",
                "ticket_id",
            )
        if data["name"] is not None and data["email"] is None:
            raise ValidationError("name is the requester's name for `email`: set email too", "name")
