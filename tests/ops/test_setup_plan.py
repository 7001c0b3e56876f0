"""Setup's plan, pure: desired objects against what Zendesk listed → create, update (only what differs), unchanged."""

from dataclasses import replace
from pathlib import Path

from core.test_purity import FORBIDDEN, imported_modules

from zendesk_escalator.core.policy import FieldIds
from zendesk_escalator.ops import setup_agents, setup_plan, setup_triggers
from zendesk_escalator.ops.setup_plan import CREATE, UNCHANGED, UPDATE, plan_category, plan_fields, plan_webhook

URL = "https://esc.example.com/webhooks/zendesk"


def test_the_plan_does_no_io():
    for module in (setup_plan, setup_triggers, setup_agents):
        assert imported_modules(Path(module.__file__)) & FORBIDDEN == set(), module


def status_field(**overrides) -> dict:
    field = {
        "id": 360010000001,
        "type": "tagger",
        "title": "Escalation status",
        "active": True,
        "removable": True,
        "custom_field_options": [
            {
                "id": 11,
                "name": "Escalation active",
                "raw_name": "Escalation active",
                "value": "escalation_active",
                "default": False,
            }
        ],
    }
    return {**field, **overrides}


def test_fields_are_found_by_the_policy_id_even_when_renamed(policy):
    renamed = status_field(
        title="Escalation (do not edit)",
        custom_field_options=[
            {"id": 11, "name": "A", "value": "escalation_active"},
            {"id": 12, "name": "R", "value": "escalation_requested"},
            {"id": 13, "name": "M", "value": "escalation_monitoring"},
            {"id": 14, "name": "C", "value": "escalation_closed"},
        ],
    )
    steps = plan_fields(policy, [renamed])
    assert (steps["status"].action, steps["status"].id) == (UNCHANGED, 360010000001)
    assert {role: step.action for role, step in steps.items() if role != "status"} == dict.fromkeys(
        ("level", "reason", "escalated_at"), CREATE
    )


def test_a_missing_option_is_added_and_the_admins_options_are_kept(policy):
    mine = {"id": 13, "name": "Watch", "value": "escalation_watch"}
    step = plan_fields(
        replace(policy, fields=FieldIds()),
        [status_field(active=False, custom_field_options=[status_field()["custom_field_options"][0], mine])],
    )["status"]
    assert step.action == UPDATE and step.why == (
        "inactive; options escalation_requested, escalation_monitoring, escalation_closed missing"
    )
    assert step.body == {
        "active": True,
        "custom_field_options": [  # by name and value: an option's id is read-only
            {"name": "Escalation active", "value": "escalation_active"},
            {"name": "Watch", "value": "escalation_watch"},
            {"name": "Escalation requested", "value": "escalation_requested"},
            {"name": "Escalation monitoring", "value": "escalation_monitoring"},
            {"name": "Escalation closed", "value": "escalation_closed"},
        ],
    }


def test_system_fields_are_never_taken_for_ours(policy):
    system = {"id": 35, "type": "status", "title": "Escalation status", "active": True, "removable": False}
    assert plan_fields(replace(policy, fields=FieldIds()), [system])["status"].action == CREATE


def test_an_event_webhook_of_the_same_name_is_not_ours():
    events = {"id": "01E", "name": "zendesk-escalator", "subscriptions": ["zen:event-type:ticket.created"]}
    step = plan_webhook([events], URL)
    assert step.action == CREATE and step.body["subscriptions"] == ["conditional_ticket_events"]


def test_a_new_endpoint_changes_only_the_endpoint():
    ours = {
        "id": "01H",
        "name": "zendesk-escalator",
        "status": "active",
        "endpoint": "https://old.example/webhooks/zendesk",
        "http_method": "POST",
        "request_format": "json",
        "subscriptions": ["conditional_ticket_events"],
    }
    assert plan_webhook([ours], ours["endpoint"]).action == UNCHANGED
    step = plan_webhook([ours], URL)
    assert (step.action, step.body, step.id) == (UPDATE, {"endpoint": URL}, "01H")


def test_category_found_by_name_or_created_or_absent():
    assert plan_category([{"id": "10001", "name": "zendesk-escalator"}]).action == UNCHANGED
    assert plan_category([{"id": "10002", "name": "Email"}]).body == {"name": "zendesk-escalator"}
    assert plan_category(None) is None
