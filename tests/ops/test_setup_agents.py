"""What setup gives agents (pure): the escalation fields added to each active form that lacks them, and the shared
view of open escalations, created once and updated only where Zendesk's copy differs."""

from zendesk_escalator.ops.setup_agents import VIEW_DESCRIPTION, desired_view, plan_forms, plan_view
from zendesk_escalator.ops.setup_plan import CREATE, UNCHANGED, UPDATE

IDS = {"status": 360010000001, "level": 360010000002, "reason": 360010000003, "escalated_at": 360010000004}


def test_each_active_form_gets_the_fields_it_lacks_after_its_own():
    forms = [
        {"id": 1, "name": "Outage", "ticket_field_ids": [34, 360010000001]},
        {"id": 2, "name": "Billing", "ticket_field_ids": [34, *IDS.values()]},
        {"id": 3, "name": "Retired", "active": False, "ticket_field_ids": [34]},
        {"id": 4, "ticket_field_ids": None},
    ]
    outage, billing, unnamed = plan_forms(forms, IDS)
    assert (outage.name, outage.action, outage.body) == (
        "Outage",
        UPDATE,
        {"ticket_field_ids": [34, 360010000001, 360010000002, 360010000003, 360010000004]},
    )
    assert outage.why.startswith("adds ") and outage.id == 1
    assert (billing.action, billing.body) == (UNCHANGED, None)
    assert (unnamed.name, unnamed.body) == ("form 4", {"ticket_field_ids": list(IDS.values())})


def test_a_field_not_made_yet_is_not_added_and_no_forms_mean_no_steps():
    (form,) = plan_forms([{"id": 1, "name": "Outage", "ticket_field_ids": [34]}], {"status": 7, "level": None})
    assert form.body == {"ticket_field_ids": [34, 7]}
    assert plan_forms(None, IDS) == []


def test_the_view_lists_open_escalations_by_level_oldest_first(policy):
    view = desired_view(policy, IDS)
    assert view["all"] == [
        {"field": "status", "operator": "less_than", "value": "closed"},
        {"field": "current_tags", "operator": "includes", "value": "escalated"},  # the sample's [escalation] tag
    ]
    assert view["output"] == {
        "columns": [
            "nice_id",
            "description",
            "organization",
            "assignee",
            "priority",
            360010000002,
            360010000001,
            360010000004,
            "created",
            "updated",
        ],
        "group_by": 360010000002,
        "group_order": "desc",
        "sort_by": 360010000004,
        "sort_order": "asc",
    }


def test_without_the_fields_the_view_groups_by_priority_and_sorts_by_creation(policy):
    output = desired_view(policy, {})["output"]
    assert (output["group_by"], output["sort_by"]) == ("priority", "created")
    assert "nice_id" in output["columns"] and len(output["columns"]) == 7


def as_zendesk_shows(view: dict, **changes) -> dict:
    """The view as Zendesk lists it back: conditions and execution, ids as numbers or text."""
    output = view["output"]
    return {
        "id": 360000000777,
        "title": view["title"],
        "description": view["description"],
        "active": view["active"],
        "conditions": {"all": view["all"], "any": view["any"]},
        "execution": {
            "columns": [{"id": str(c) if isinstance(c, int) else c} for c in output["columns"]],
            "group": {"id": str(output["group_by"]), "order": output["group_order"]},
            "sort": {"id": str(output["sort_by"]), "order": output["sort_order"]},
        },
        **changes,
    }


def test_the_view_is_created_once_then_left_alone_or_updated_whole(policy):
    desired = desired_view(policy, IDS)
    assert (plan_view(desired, []).action, plan_view(desired, []).body) == (CREATE, desired)
    unchanged = plan_view(desired, [as_zendesk_shows(desired)])
    assert (unchanged.action, unchanged.body, unchanged.id) == (UNCHANGED, None, 360000000777)
    changed = plan_view(desired, [as_zendesk_shows(desired, active=False, conditions={"all": [], "any": []})])
    assert (changed.action, changed.body, changed.why) == (UPDATE, desired, "active, all")


def test_an_admins_own_view_of_the_same_title_is_not_ours(policy):
    desired = desired_view(policy, IDS)
    theirs = as_zendesk_shows(desired, description="Our team's own escalation list")
    assert plan_view(desired, [theirs]).action == CREATE
    assert "zendesk-escalator" in VIEW_DESCRIPTION
