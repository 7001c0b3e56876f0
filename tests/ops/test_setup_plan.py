"""Setup's plan, pure: desired objects against what Zendesk listed → create, update (only what differs), unchanged."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
from core.test_purity import FORBIDDEN, imported_modules

from zendesk_escalator.core.policy import FieldIds
from zendesk_escalator.ops import setup_agents, setup_plan, setup_triggers
from zendesk_escalator.ops.setup_plan import CREATE, UNCHANGED, UPDATE, plan_category, plan_fields, plan_webhook
from zendesk_escalator.ops.setup_triggers import can_exclude_tags, desired_triggers, loop_guard, plan_triggers
from zendesk_escalator.schemas.webhooks import TRIGGER_BODY_TEMPLATE

URL = "https://esc.example.com/webhooks/zendesk"
GUARD = {"field": "role", "operator": "is_not", "value": "900000000001"}


def definitions(user_offered=True, not_includes=True) -> dict:
    values = [{"value": "end_user", "title": "(end user)", "enabled": True}]
    values += [{"value": "900000000001", "title": "Escalator", "enabled": True}] if user_offered else []
    tag_ops = [{"value": "includes"}] + ([{"value": "not_includes"}] if not_includes else [])
    return {
        "conditions_all": [
            {"subject": "role", "operators": [{"value": "is"}, {"value": "is_not"}], "values": values},
            {"subject": "current_tags", "operators": tag_ops},
        ]
    }


def by_title(triggers) -> dict:
    return {t["title"].removeprefix("zendesk-escalator: "): t["conditions"]["all"] for t in triggers}


def test_the_plan_does_no_io():
    for module in (setup_plan, setup_triggers, setup_agents):
        assert imported_modules(Path(module.__file__)) & FORBIDDEN == set(), module


def test_loop_guard_names_the_integration_user_when_zendesk_offers_it():
    assert loop_guard(definitions(), 900000000001) == (GUARD, True)


def test_loop_guard_falls_back_to_update_via_when_the_user_is_not_offered():
    fallback = {"field": "current_via_id", "operator": "is_not", "value": "5"}
    assert loop_guard(definitions(user_offered=False), 900000000001) == (fallback, False)
    assert loop_guard({}, 900000000001) == (fallback, False)


def test_triggers_are_narrow_and_each_carries_the_loop_guard(policy):
    triggers = by_title(desired_triggers(policy, "01HWEB", "10001", GUARD))
    changed = {"field": "update_type", "operator": "is", "value": "Change"}
    assert triggers["ticket created"] == [{"field": "update_type", "operator": "is", "value": "Create"}, GUARD]
    # "current user is end-user" already leaves the integration user out (a second role condition may be refused)
    assert triggers["customer update"] == [changed, {"field": "role", "operator": "is", "value": "end_user"}]
    assert triggers["escalation requested"] == [
        changed,
        {"field": "current_tags", "operator": "includes", "value": "escalate escalation_requested"},
        GUARD,
    ]
    # one trigger per impact level, silent while an open escalation is at that level or above
    impact = {t["title"]: t["conditions"] for t in desired_triggers(policy, "01HWEB", "10001", GUARD)}
    not_escalated = {"field": "current_tags", "operator": "not_includes", "value": "escalated"}
    assert impact["zendesk-escalator: impact level 2"] == {
        "all": [changed, {"field": "current_tags", "operator": "includes", "value": "production_down outage"}, GUARD],
        "any": [
            not_escalated,
            {"field": "current_tags", "operator": "not_includes", "value": "escalation_level_2 escalation_level_3"},
        ],
    }
    assert impact["zendesk-escalator: impact level 3"]["any"] == [
        not_escalated,
        {"field": "current_tags", "operator": "not_includes", "value": "escalation_level_3"},
    ]


@pytest.mark.parametrize("lifecycle", [True, False])  # without one, an agent's de-escalation closes an episode too
def test_an_agents_solve_reopen_or_de_escalation_of_an_escalated_ticket_calls_too(policy, lifecycle):
    policy = replace(policy, lifecycle=replace(policy.lifecycle, enabled=lifecycle))
    trigger = next(
        t
        for t in desired_triggers(policy, "01HWEB", "10001", GUARD)
        if t["title"] == "zendesk-escalator: escalation lifecycle"
    )
    assert trigger["conditions"] == {
        "all": [
            {"field": "update_type", "operator": "is", "value": "Change"},
            {"field": "current_tags", "operator": "includes", "value": "escalated"},
            GUARD,
        ],
        "any": [
            {"field": "status", "operator": "changed"},
            {"field": "current_tags", "operator": "includes", "value": "deescalate escalation_closed"},
        ],
    }


def test_every_trigger_calls_the_webhook_with_the_documented_body(policy):
    for trigger in desired_triggers(policy, "01HWEB", "10001", GUARD):
        (action,) = trigger["actions"]
        assert action["field"] == "notification_webhook" and action["value"][0] == "01HWEB"
        assert json.loads(action["value"][1]) == TRIGGER_BODY_TEMPLATE
        assert trigger["category_id"] == "10001" and trigger["active"] is True


def test_with_the_fallback_guard_even_the_customer_trigger_carries_it(policy):
    via = loop_guard(definitions(user_offered=False), 1)[0]
    assert all(via in conditions for conditions in by_title(desired_triggers(policy, "w", None, via)).values())


def test_without_contains_none_of_the_impact_triggers_keep_only_their_tags(policy):
    assert can_exclude_tags(definitions()) and not can_exclude_tags(definitions(not_includes=False))
    level2 = by_title(desired_triggers(policy, "w", None, GUARD, exclude_tags=False))["impact level 2"]
    assert [c["operator"] for c in level2 if c["field"] == "current_tags"] == ["includes"]


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


def as_zendesk_lists(trigger: dict, trigger_id: int) -> dict:
    """A trigger as Zendesk gives it back: ids added, tags reordered, the body re-indented."""
    listed = json.loads(json.dumps(trigger))
    listed.update(id=trigger_id, position=3, raw_title=trigger["title"], default=False)
    for condition in listed["conditions"]["all"]:
        if condition["field"] == "current_tags":
            condition["value"] = " ".join(reversed(condition["value"].split()))
    action = listed["actions"][0]
    action["value"][1] = json.dumps(json.loads(action["value"][1]))
    return listed


def test_triggers_listed_back_as_zendesk_shapes_them_are_unchanged(policy):
    wanted = desired_triggers(policy, "01HWEB", "10001", GUARD)
    found = [as_zendesk_lists(t, n) for n, t in enumerate(wanted, 1)]
    assert {step.action for step in plan_triggers(wanted, found)} == {UNCHANGED}


def test_a_changed_trigger_is_updated_whole_and_an_obsolete_one_deactivated(policy):
    wanted = desired_triggers(policy, "01HWEB", "10001", GUARD)
    found = [as_zendesk_lists(t, n) for n, t in enumerate(wanted, 1)]
    found[0]["conditions"]["all"].pop()  # someone removed the loop guard by hand
    found.append({"id": 99, "title": "zendesk-escalator: impact level 4", "active": True})
    found.append({"id": 98, "title": "Notify requester", "active": True})  # not ours: left alone
    steps = {step.name: step for step in plan_triggers(wanted, found) if step.action != UNCHANGED}
    assert set(steps) == {"zendesk-escalator: ticket created", "zendesk-escalator: impact level 4"}
    created = steps["zendesk-escalator: ticket created"]
    assert (created.body, created.id, created.why) == (wanted[0], 1, "conditions")
    assert steps["zendesk-escalator: impact level 4"].body == {"active": False}
