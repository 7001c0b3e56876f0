"""[fields] and [field_values]: the ticket fields that mirror an escalation, and the status field's values."""

from marshmallow import fields

from ..core.policy import FieldIds, StatusValues
from ..ids import ZendeskId
from .base import DataclassSchema
from .values import slug


class FieldIdsSchema(DataclassSchema):
    builds = FieldIds

    status = ZendeskId(load_default=None)
    level = ZendeskId(load_default=None)
    reason = ZendeskId(load_default=None)
    escalated_at = ZendeskId(load_default=None)


class FieldValuesSchema(DataclassSchema):
    builds = StatusValues

    active = fields.String(load_default="escalation_active", validate=slug)
    requested = fields.String(load_default="escalation_requested", validate=slug)
    monitoring = fields.String(load_default="escalation_monitoring", validate=slug)
    closed = fields.String(load_default="escalation_closed", validate=slug)
