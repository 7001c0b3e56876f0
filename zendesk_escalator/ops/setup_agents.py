"""What `escalator setup` gives agents (pure): the escalation fields on every ticket form, and the shared view.

On an account with several ticket forms, a field shows only on the forms that list it
(`ticket_field_ids`): without it, agents on the other forms cannot set "requested".
The view "Escalations" lists the open episodes from ticket data alone: the escalated
tag (kept while an episode is active or monitoring), grouped by level, oldest first.
"""

from typing import Any

from ..core.policy import Policy
from .setup_plan import CREATE, FIELDS, NAME, UNCHANGED, UPDATE, Step, canonical

VIEW_TITLE = "Escalations"
VIEW_DESCRIPTION = f"Open escalations (active or monitoring), by level, oldest first. Written by {NAME} setup."
OUTPUT_KEYS = ("columns", "group_by", "group_order", "sort_by", "sort_order")


def plan_forms(forms: list[dict[str, Any]] | None, field_ids: dict[str, object]) -> list[Step]:
    """Each active form that lacks an escalation field gets it, after the form's own fields."""
    wanted = [(role, field_id) for role, field_id in field_ids.items() if field_id is not None]
    steps = []
    for form in forms or []:
        if not form.get("active", True):
            continue  # agents do not use it
        have = form.get("ticket_field_ids") or []
        missing = [(role, field_id) for role, field_id in wanted if field_id not in have]
        name = form.get("name") or f"form {form.get('id')}"
        if not missing:
            steps.append(Step("form", name, UNCHANGED, found=form))
            continue
        why = "adds " + ", ".join(FIELDS[role][1] for role, _ in missing)
        steps.append(
            Step("form", name, UPDATE, {"ticket_field_ids": have + [field_id for _, field_id in missing]}, form, why)
        )
    return steps


def desired_view(policy: Policy, field_ids: dict[str, object]) -> dict[str, Any]:
    """The shared view: open episodes, grouped by level (highest first), oldest escalation first."""
    level, status, escalated_at = (field_ids.get(role) for role in ("level", "status", "escalated_at"))
    custom = [field_id for field_id in (level, status, escalated_at) if field_id is not None]
    return {
        "title": VIEW_TITLE,
        "description": VIEW_DESCRIPTION,
        "active": True,
        "all": [
            {"field": "status", "operator": "less_than", "value": "closed"},
            {"field": "current_tags", "operator": "includes", "value": policy.escalated_tag},
        ],
        "any": [],
        "output": {
            "columns": [
                "nice_id",
                "description",
                "organization",
                "assignee",
                "priority",
                *custom,
                "created",
                "updated",
            ],
            "group_by": level if level is not None else "priority",
            "group_order": "desc",
            "sort_by": escalated_at if escalated_at is not None else "created",
            "sort_order": "asc",
        },
    }


def our_view(found: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The view setup made: titled "Escalations", its description saying setup wrote it (an admin's own is not)."""
    return next((v for v in found if v.get("title") == VIEW_TITLE and NAME in (v.get("description") or "")), None)


def plan_view(desired: dict[str, Any], found: list[dict[str, Any]]) -> Step:
    """Find ours; create it, or update only what differs."""
    ours = our_view(found)
    if ours is None:
        return Step("view", VIEW_TITLE, CREATE, desired)
    have = {
        "active": ours.get("active"),
        "all": (ours.get("conditions") or {}).get("all"),
        "any": (ours.get("conditions") or {}).get("any"),
        "output": _output(ours.get("execution") or {}),
    }
    differs = [key for key in ("active", "all", "any", "output") if _same(key, have[key]) != _same(key, desired[key])]
    return Step(
        "view", VIEW_TITLE, UPDATE if differs else UNCHANGED, desired if differs else None, ours, ", ".join(differs)
    )


def _output(execution: dict[str, Any]) -> dict[str, Any]:
    """A view's `execution`, as Zendesk shows it, in the `output` form a view is written in."""
    group, sort = execution.get("group") or {}, execution.get("sort") or {}
    return {
        "columns": [c.get("id") if isinstance(c, dict) else c for c in execution.get("columns") or []],
        "group_by": execution.get("group_by", group.get("id")),
        "group_order": execution.get("group_order", group.get("order")),
        "sort_by": execution.get("sort_by", sort.get("id")),
        "sort_order": execution.get("sort_order", sort.get("order")),
    }


def _same(key: str, value: Any) -> object:
    """Compare as Zendesk means it: conditions as setup's triggers are compared, ids as text."""
    if key in ("all", "any"):
        return canonical("conditions", {"all": value or []})
    if key == "output":
        value = value or {}
        return tuple(
            str(v) if k != "columns" else tuple(str(c) for c in v or [])
            for k, v in ((k, value.get(k)) for k in OUTPUT_KEYS)
        )
    return value
