"""The triggers setup wants (pure): narrow, each with the loop guard, calling the webhook with the documented body;
matched by title, updated whole, obsolete ones deactivated."""

import json
from dataclasses import replace

import pytest

from zendesk_escalator.ops.setup_plan import UNCHANGED
from zendesk_escalator.ops.setup_triggers import can_exclude_tags, desired_triggers, loop_guard, plan_triggers
from zendesk_escalator.schemas.webhooks import TRIGGER_BODY_TEMPLATE

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
