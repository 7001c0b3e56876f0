"""The whole policy file: each section's schema, the rules across sections, the core Policy built from them."""

from typing import Any

from marshmallow import ValidationError, fields, post_load, validates_schema

from ..core.channels import HotlinePolicy
from ..core.policy import (
    ChecklistPolicy,
    DashboardPolicy,
    EmailPolicy,
    FieldIds,
    LifecyclePolicy,
    ManualRule,
    Policy,
    RecurringPolicy,
    ReportPolicy,
    StatusValues,
    Trigger,
)
from ..core.sla_policy import SlaPolicy
from .across_sections import levels_described, one_role_per_field
from .base import Strict
from .dashboard import DashboardSchema
from .escalation import EscalationSchema
from .levels import LevelSchema, RouteSchema
from .lifecycle import LifecycleSchema
from .notify import NotifySchema, names_once
from .phone import PhoneSchema
from .recurring import RecurringSchema
from .report import ReportSchema
from .requests import ChecklistSchema, EmailSchema
from .schedules import Schedules
from .sla import SlaSchema
from .ticket_fields import FieldIdsSchema, FieldValuesSchema
from .triggers import ImpactSchema, ManualSchema, TriggerSchema


class PolicySchema(Strict):
    escalation = fields.Nested(EscalationSchema, required=True)
    fields_ = fields.Nested(FieldIdsSchema, data_key="fields", load_default=FieldIds)
    field_values = fields.Nested(FieldValuesSchema, load_default=StatusValues)
    cc = fields.Nested(TriggerSchema, load_default=Trigger)
    manual = fields.Nested(ManualSchema, load_default=ManualRule)
    impact = fields.List(fields.Nested(ImpactSchema), load_default=list)
    levels = fields.List(fields.Nested(LevelSchema), load_default=list)
    routes = fields.List(fields.Nested(RouteSchema), load_default=list)
    sla = fields.Nested(SlaSchema, load_default=SlaPolicy)
    lifecycle = fields.Nested(LifecycleSchema, load_default=LifecyclePolicy)
    recurring = fields.Nested(RecurringSchema, load_default=RecurringPolicy)
    email = fields.Nested(EmailSchema, load_default=EmailPolicy)
    checklist = fields.Nested(ChecklistSchema, load_default=ChecklistPolicy)
    report = fields.Nested(ReportSchema, load_default=ReportPolicy)
    dashboard = fields.Nested(DashboardSchema, load_default=DashboardPolicy)
    phone = fields.Nested(PhoneSchema, load_default=HotlinePolicy)
    notify = fields.List(fields.Nested(NotifySchema), load_default=list)
    schedules = Schedules(load_default=dict)

    @validates_schema
    def schedules_named_exist(self, data: dict[str, Any], **_: Any) -> None:
        named = [
            ("sla.schedule", data["sla"].schedule),
            ("lifecycle.cadence_schedule", data["lifecycle"].cadence_schedule),
        ]
        named += [(f"sla.fallback[{n}].schedule", t.schedule) for n, t in enumerate(data["sla"].fallback, 1)]
        for key, name in named:
            if name and name != "zendesk" and name not in data["schedules"]:
                known = ", ".join(["zendesk", *sorted(data["schedules"])])
                raise ValidationError(f"no [schedules.{name}] in the policy (known: {known})", key)

    @validates_schema
    def across_sections(self, data: dict[str, Any], **_: Any) -> None:
        levels_described(data)
        one_role_per_field(data)
        names_once(data["notify"])

    @validates_schema
    def report_ticket_has_an_assignee(self, data: dict[str, Any], **_: Any) -> None:
        report = data["report"]
        if report.enabled and report.email and data["escalation"]["integration_user_id"] is None:
            raise ValidationError(
                "needs escalation.integration_user_id: the report's ticket is assigned to it "
                "and solved at once, so that it stays out of the agents' queues",
                "report.email",
            )

    @post_load
    def build(self, data: dict[str, Any], **_: Any) -> Policy:
        escalation = data["escalation"]
        return Policy(
            addresses=frozenset(a.lower() for a in escalation["addresses"]),
            default_group_id=escalation["default_group_id"],
            integration_user_id=escalation["integration_user_id"],
            escalated_tag=escalation["tag"],
            note_template=escalation["note_template"],
            fields=data["fields_"],
            values=data["field_values"],
            cc=data["cc"],
            manual=data["manual"],
            impacts=tuple(data["impact"]),
            levels=tuple(data["levels"]),
            routes=tuple(data["routes"]),
            sla=data["sla"],
            lifecycle=data["lifecycle"],
            recurring=data["recurring"],
            email=data["email"],
            checklist=data["checklist"],
            report=data["report"],
            dashboard=data["dashboard"],
            phone=data["phone"],
            notify=tuple(data["notify"]),
            schedules=data["schedules"],
        )
