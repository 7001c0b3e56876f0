"""The policy file: TOML validated with marshmallow into core.policy types; errors name the key."""

import tomllib
from pathlib import Path
from string import Template

from marshmallow import ValidationError, fields, post_load, pre_load, validate, validates, validates_schema

from ..core.channels import HotlinePolicy
from ..core.conditions import When
from ..core.escalation.plan import render_note
from ..core.escalation.rules import Decision
from ..core.policy import (
    DEFAULT_NOTE,
    NOTE_PLACEHOLDERS,
    ChecklistPolicy,
    DashboardPolicy,
    EmailPolicy,
    FieldIds,
    ImpactRule,
    Level,
    LifecyclePolicy,
    ManualRule,
    Policy,
    RecurringPolicy,
    ReportPolicy,
    Route,
    StatusValues,
    Trigger,
)
from ..core.sla_policy import SlaPolicy
from ..errors import ConfigError
from ..ids import ZendeskId
from ..schemas import first_error
from .across import levels_described, one_role_per_field
from .common import LevelNumber, Strict, WhenSchema, priority, slug, when_from_old_keys
from .dashboard import DashboardSchema
from .lifecycle import LifecycleSchema
from .notify import NotifySchema, names_once
from .phone import PhoneSchema
from .recurring import RecurringSchema
from .report import ReportSchema
from .requests import ChecklistSchema, EmailSchema
from .schedules import Schedules
from .sla import SlaSchema
from .suggest import UNKNOWN, unknown_key


class TriggerSchema(Strict):
    level = LevelNumber(load_default=1)
    priority = fields.String(load_default=None, validate=priority)

    @post_load
    def build(self, data, **_):
        return Trigger(**data)


class ManualSchema(TriggerSchema):
    tag = fields.String(load_default="escalate", validate=slug)

    @post_load
    def build(self, data, **_):
        return ManualRule(**data)


class ImpactSchema(Strict):
    reason = fields.String(required=True, validate=slug)
    level = LevelNumber(load_default=2)
    priority = fields.String(load_default=None, validate=priority)
    when = fields.Nested(WhenSchema, required=True)

    @pre_load
    def older_keys(self, data, **_):
        return when_from_old_keys(data, {"tag": "tags_any"}) if isinstance(data, dict) else data

    @validates("when")
    def not_empty(self, value, **_):
        if value == When():
            raise ValidationError("an empty condition would escalate every ticket")

    @post_load
    def build(self, data, **_):
        return ImpactRule(**data)


class LevelSchema(Strict):
    level = LevelNumber(required=True)
    name = fields.String(load_default="")
    followers = fields.List(ZendeskId(), load_default=list)

    @post_load
    def build(self, data, **_):
        return Level(data["level"], data["name"], tuple(data["followers"]))


class RouteSchema(Strict):
    group_id = ZendeskId(required=True)
    assignee_id = ZendeskId(load_default=None)
    when = fields.Nested(WhenSchema, load_default=When)

    @pre_load
    def older_keys(self, data, **_):
        old = {"tags": "tags_any", "form_id": "form_id", "field": "fields"}
        return when_from_old_keys(data, old) if isinstance(data, dict) else data

    @post_load
    def build(self, data, **_):
        return Route(**data)


class FieldIdsSchema(Strict):
    status = ZendeskId(load_default=None)
    level = ZendeskId(load_default=None)
    reason = ZendeskId(load_default=None)
    escalated_at = ZendeskId(load_default=None)

    @post_load
    def build(self, data, **_):
        return FieldIds(**data)


class FieldValuesSchema(Strict):
    active = fields.String(load_default="escalation_active", validate=slug)
    requested = fields.String(load_default="escalation_requested", validate=slug)
    monitoring = fields.String(load_default="escalation_monitoring", validate=slug)
    closed = fields.String(load_default="escalation_closed", validate=slug)

    @post_load
    def build(self, data, **_):
        return StatusValues(**data)


class EscalationSchema(Strict):
    addresses = fields.List(fields.Email(), required=True, validate=validate.Length(min=1))
    default_group_id = ZendeskId(load_default=None)
    integration_user_id = ZendeskId(load_default=None)
    tag = fields.String(load_default="escalated", validate=slug)
    note_template = fields.String(load_default=DEFAULT_NOTE)

    @validates("note_template")
    def renders(self, value, **_):
        unknown = set(Template(value).get_identifiers()) - NOTE_PLACEHOLDERS
        if unknown:
            raise ValidationError(f"unknown placeholder(s) {sorted(unknown)}; use {sorted(NOTE_PLACEHOLDERS)}")
        try:
            sample_note(value)
        except ValueError as error:  # Template's words for a "$" that starts no placeholder
            raise ValidationError(f'{error}: a "$" starts a placeholder; write "$$" for a dollar sign') from None


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
    def schedules_named_exist(self, data, **_):
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
    def across_sections(self, data, **_):
        levels_described(data)
        one_role_per_field(data)
        names_once(data["notify"])

    @validates_schema
    def report_ticket_has_an_assignee(self, data, **_):
        report = data["report"]
        if report.enabled and report.email and data["escalation"]["integration_user_id"] is None:
            raise ValidationError(
                "needs escalation.integration_user_id: the report's ticket is assigned to it "
                "and solved at once, so that it stays out of the agents' queues",
                "report.email",
            )

    @post_load
    def build(self, data, **_):
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


def sample_note(template: str) -> str:
    """The note an escalation writes with this template, rendered with sample values (ValueError if it cannot be)."""
    decision = Decision(rule="cc", reason="customer_cc", level=2, evidence=("sample evidence",), quote="sample request")
    return render_note(decision, Policy(addresses=frozenset(), note_template=template), ["group → 1"])


def parse_policy(text: str) -> Policy:
    """Parse and validate policy TOML; ConfigError names the offending key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("policy", f"not valid TOML: {error}") from None
    try:
        return PolicySchema().load(raw)
    except ValidationError as error:
        key, problem = first_error(error.messages)
        if problem == UNKNOWN:
            problem = unknown_key(key, PolicySchema())
        raise ConfigError(key, problem) from None


def load_policy(path: str | Path) -> Policy:
    """Read and validate the policy file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError("ESCALATOR_RULES", f"cannot read policy file {path}: {error.strerror}") from None
    try:
        return parse_policy(text)
    except ConfigError as error:  # which file: run, worker and the Procfile's web read ESCALATOR_RULES
        raise ConfigError(error.key, f"{error.problem} (in {path})") from None
