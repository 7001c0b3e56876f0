"""[dashboard]: who may open the dashboard after signing in with Zendesk (admins always)."""

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields

from ..core.policy import DashboardPolicy
from ..ids import zendesk_id
from .base import DataclassSchema

ROLES = ("agent", "admin")  # Zendesk's staff roles; custom (Enterprise) roles are named by id


class Role(fields.Field[str | int]):
    """ "agent", "admin", or a custom role's id."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str | int:
        if isinstance(value, str) and not value.isdigit():
            if value not in ROLES:
                refused = "end-users never see the dashboard" if value == "end-user" else f"unknown role {value!r}"
                raise ValidationError(f'{refused}: use "agent" (every agent), "admin" or a custom role\'s id')
            return value
        return zendesk_id(value)


class DashboardSchema(DataclassSchema):
    builds = DashboardPolicy
    shapes = {"roles": frozenset}

    roles = fields.List(Role(), load_default=list)
