"""What `escalator setup` wants in Zendesk and what it takes to get there (pure: no I/O).

Each object is looked for among what Zendesk listed; the plan says create,
update (with only what differs) or unchanged, so that a second run sends no write.
"""

import json
from dataclasses import dataclass
from typing import Any

from ..core.policy import Policy

NAME = "zendesk-escalator"
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
# Field role in the policy's [fields] → Zendesk type and title.
FIELDS = {
    "status": ("tagger", "Escalation status"),
    "level": ("integer", "Escalation level"),
    "reason": ("text", "Escalation reason"),
    "escalated_at": ("text", "Escalated at"),
}


@dataclass(frozen=True)
class Step:
    """One object: what setup does to it, the body that goes on the wire, and why."""

    kind: str  # field, webhook, category, trigger
    name: str
    action: str  # create, update, unchanged
    body: dict[str, Any] | None = None  # the object to create, or only the keys to change
    found: dict[str, Any] | None = None
    why: str = ""

    @property
    def id(self) -> Any:  # Zendesk's id: a number, or a string for webhooks
        """The id of the object found (None when it is to be created)."""
        return (self.found or {}).get("id")


def plan_fields(policy: Policy, found: list[dict[str, Any]]) -> dict[str, Step]:
    """Per [fields] role, find the field by the policy's id, else by title; create what is missing."""
    custom = [f for f in found if f.get("removable", True)]  # system fields (Subject, Status, ...) are not
    steps = {}
    for role, (kind, title) in FIELDS.items():
        wanted_id = getattr(policy.fields, role)
        field = next((f for f in custom if f["id"] == wanted_id), None) or next(
            (f for f in custom if f.get("title", "").lower() == title.lower()), None
        )
        steps[role] = _field_step(
            field, _desired_field(kind, title, policy), f"[fields] {role} = {wanted_id} not found" if wanted_id else ""
        )
    return steps


def _desired_field(kind: str, title: str, policy: Policy) -> dict[str, Any]:
    field = {
        "type": kind,
        "title": title,
        "active": True,
        "description": f"Written by {NAME}; agents may set it to ask for escalation."
        if kind == "tagger"
        else f"Written by {NAME}.",
    }
    if kind == "tagger":
        field["custom_field_options"] = [
            {"name": value.replace("_", " ").capitalize(), "value": value} for value in policy.values.all
        ]
    return field


def _field_step(field: dict[str, Any] | None, desired: dict[str, Any], missing: str) -> Step:
    if field is None:
        return Step("field", desired["title"], CREATE, desired, why=missing)
    changes: dict[str, Any] = {}
    why: list[str] = []
    if not field.get("active", True):
        changes["active"], why = True, ["inactive"]
    options = field.get("custom_field_options") or []
    have = {option["value"] for option in options}
    absent = [o for o in desired.get("custom_field_options", []) if o["value"] not in have]
    if absent and field.get("type") == "tagger":  # the options sent replace the list: keep the admin's
        kept = [{"name": o["name"], "value": o["value"]} for o in options]  # an option's id is read-only
        changes["custom_field_options"] = kept + absent
        why.append("options " + ", ".join(o["value"] for o in absent) + " missing")
    action = UPDATE if changes else UNCHANGED
    return Step("field", field.get("title", desired["title"]), action, changes or None, field, "; ".join(why))


def our_webhook(found: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The webhook setup made among those found: named NAME, called by triggers (not an event webhook)."""
    return next(
        (w for w in found if w.get("name") == NAME and "conditional_ticket_events" in (w.get("subscriptions") or [])),
        None,
    )


def plan_webhook(found: list[dict[str, Any]], url: str) -> Step:
    """Our webhook is the one named NAME that triggers can call (a trigger webhook, not an event one)."""
    desired = {
        "name": NAME,
        "status": "active",
        "endpoint": url,
        "http_method": "POST",
        "request_format": "json",
        "subscriptions": ["conditional_ticket_events"],
        "description": f"Ticket notifications for {NAME}; called by the triggers of the {NAME} category.",
    }
    ours = our_webhook(found)
    if ours is None:
        return Step("webhook", NAME, CREATE, desired)
    changes = {
        k: desired[k] for k in ("endpoint", "http_method", "request_format", "status") if ours.get(k) != desired[k]
    }
    why = "; ".join(f"{k} {ours.get(k)} → {v}" for k, v in changes.items())
    return Step("webhook", NAME, UPDATE if changes else UNCHANGED, changes or None, ours, why)


def plan_category(found: list[dict[str, Any]] | None) -> Step | None:
    """Our trigger category; None when the account has no trigger categories."""
    if found is None:
        return None
    ours = next((c for c in found if c.get("name") == NAME), None)
    if ours is None:
        return Step("category", NAME, CREATE, {"name": NAME})
    return Step("category", NAME, UNCHANGED, found=ours)


def canonical(key: str, value: Any) -> object:
    """Compare as Zendesk means it: ids as text, tag lists as sets, the webhook body as JSON."""
    if key == "category_id":
        return None if value is None else str(value)
    if key == "conditions":
        value = value or {}
        return tuple(sorted(_condition(c) for c in value.get(part) or []) for part in ("all", "any"))
    if key == "actions":
        return sorted(_action(a) for a in value or [])
    return value


def _condition(condition: dict[str, Any]) -> tuple[object, ...]:
    value = condition.get("value")
    if condition.get("field") == "current_tags" and isinstance(value, str):
        value = " ".join(sorted(value.split()))
    return condition.get("field"), condition.get("operator"), None if value is None else str(value)


def _action(action: dict[str, Any]) -> tuple[object, ...]:
    value = action.get("value")
    if action.get("field") == "notification_webhook" and isinstance(value, list) and len(value) == 2:
        try:
            return action["field"], str(value[0]), json.dumps(json.loads(value[1]), sort_keys=True)
        except (TypeError, ValueError):
            pass
    return action.get("field"), json.dumps(value, sort_keys=True)


def fields_snippet(ids: dict[str, object]) -> str:
    """The [fields] table to put in the policy."""
    lines = ["[fields]"] + [f"{role} = {ids[role]}" for role in FIELDS if role in ids]
    return "\n".join(lines)
