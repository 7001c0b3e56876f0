"""What `escalator setup` wants in Zendesk and what it takes to get there (pure: no I/O).

Each object is looked for among what Zendesk listed; the plan says create,
update (with only what differs) or unchanged, so that a second run sends no write.
"""

import json
from dataclasses import dataclass

from ..core.policy import Policy
from ..core.state import LEVEL_TAG
from ..schemas.webhooks import TRIGGER_BODY_TEMPLATE

NAME = "zendesk-escalator"
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
# Zendesk's via id of API updates ("web service"): the loop guard's fallback.
VIA_WEB_SERVICE = "5"
TRIGGER_BODY = json.dumps(TRIGGER_BODY_TEMPLATE, indent=2)
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
    body: dict | None = None  # the object to create, or only the keys to change
    found: dict | None = None
    why: str = ""

    @property
    def id(self):
        """The id of the object found (None when it is to be created)."""
        return (self.found or {}).get("id")


def plan_fields(policy: Policy, found: list[dict]) -> dict[str, Step]:
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


def _desired_field(kind: str, title: str, policy: Policy) -> dict:
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


def _field_step(field: dict | None, desired: dict, missing: str) -> Step:
    if field is None:
        return Step("field", desired["title"], CREATE, desired, why=missing)
    changes, why = {}, []
    if not field.get("active", True):
        changes["active"], why = True, ["inactive"]
    options = field.get("custom_field_options") or []
    have = {option["value"] for option in options}
    missing = [o for o in desired.get("custom_field_options", []) if o["value"] not in have]
    if missing and field.get("type") == "tagger":  # the options sent replace the list: keep the admin's
        kept = [{"name": o["name"], "value": o["value"]} for o in options]  # an option's id is read-only
        changes["custom_field_options"] = kept + missing
        why.append("options " + ", ".join(o["value"] for o in missing) + " missing")
    action = UPDATE if changes else UNCHANGED
    return Step("field", field.get("title", desired["title"]), action, changes or None, field, "; ".join(why))


def our_webhook(found: list[dict]) -> dict | None:
    """The webhook setup made among those found: named NAME, called by triggers (not an event webhook)."""
    return next(
        (w for w in found if w.get("name") == NAME and "conditional_ticket_events" in (w.get("subscriptions") or [])),
        None,
    )


def plan_webhook(found: list[dict], url: str) -> Step:
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


def plan_category(found: list[dict] | None) -> Step | None:
    """Our trigger category; None when the account has no trigger categories."""
    if found is None:
        return None
    ours = next((c for c in found if c.get("name") == NAME), None)
    if ours is None:
        return Step("category", NAME, CREATE, {"name": NAME})
    return Step("category", NAME, UNCHANGED, found=ours)


def loop_guard(definitions: dict, user_id: int) -> tuple[dict, bool]:
    """ "Current user is not <the integration user>" as Zendesk offers it; else "update via is not web service".

    The second element says whether the integration user itself could be named.
    """
    role = next((c for c in definitions.get("conditions_all") or [] if c.get("subject") == "role"), {})
    offered = {str(v.get("value")) for v in role.get("values") or []}
    operators = {str(o.get("value")) for o in role.get("operators") or []}
    if str(user_id) in offered and "is_not" in operators:
        return {"field": "role", "operator": "is_not", "value": str(user_id)}, True
    return {"field": "current_via_id", "operator": "is_not", "value": VIA_WEB_SERVICE}, False


def can_exclude_tags(definitions: dict) -> bool:
    """Whether the tags condition offers "contains none of" (not_includes)."""
    tags = next((c for c in definitions.get("conditions_all") or [] if c.get("subject") == "current_tags"), {})
    return "not_includes" in {str(o.get("value")) for o in tags.get("operators") or []}


def desired_triggers(
    policy: Policy, webhook_id: str, category_id: str | None, guard: dict, exclude_tags: bool = True
) -> list[dict]:
    """The triggers that call the webhook: narrow conditions, each with the loop guard."""
    changed = {"field": "update_type", "operator": "is", "value": "Change"}
    wanted = [
        (
            "ticket created",
            "A new ticket: it may be emailed to or CC an escalation address, or carry an impact tag.",
            [{"field": "update_type", "operator": "is", "value": "Create"}],
        ),
        (
            "customer update",
            "A customer (end-user) updated the ticket: a reply may CC an escalation address or describe an outage.",
            [changed, {"field": "role", "operator": "is", "value": "end_user"}],
        ),
        (
            "escalation requested",
            "An agent asked for escalation: the request tag, or the escalation status "
            "set to requested (a drop-down's value is a tag).",
            [changed, _tags("includes", [policy.manual.tag, policy.values.requested])],
        ),
    ]
    triggers = [_trigger(title, why, conditions, guard, webhook_id, category_id) for title, why, conditions in wanted]
    for level, tags in _impact_tags(policy).items():
        # Quiet while an open escalation is at this level or above: a closed one keeps its level tag
        # (the mirror shows it) but not the escalated tag, so new evidence after a close gets through.
        unless = [
            _tags("not_includes", [policy.escalated_tag]),
            _tags("not_includes", [LEVEL_TAG.format(n) for n in _levels(policy) if n >= level]),
        ]
        triggers.append(
            _trigger(
                f"impact level {level}",
                f"An impact tag of level {level} was added.",
                [changed, _tags("includes", tags)],
                guard,
                webhook_id,
                category_id,
                any_of=unless if exclude_tags else None,
            )
        )
    # An agent's de-escalation, or a close, of an escalated ticket (with [lifecycle] also a solve or a reopen):
    # without [lifecycle] too, an agent's de-escalation closes the episode.
    triggers.append(
        _trigger(
            "escalation lifecycle",
            "An escalated ticket was solved or reopened, or an agent asked to de-escalate: "
            "monitoring, re-escalation and close follow it.",
            [changed, _tags("includes", [policy.escalated_tag])],
            guard,
            webhook_id,
            category_id,
            any_of=[
                {"field": "status", "operator": "changed"},
                _tags("includes", [policy.lifecycle.deescalate_tag, policy.values.closed]),
            ],
        )
    )
    return triggers


def _trigger(
    title: str,
    why: str,
    conditions: list[dict],
    guard: dict,
    webhook_id: str,
    category_id: str | None,
    any_of: list[dict] | None = None,
) -> dict:
    if all(c["field"] != guard["field"] for c in conditions):  # "end-user" already excludes the integration user
        conditions = [*conditions, guard]
    trigger = {
        "title": f"{NAME}: {title}",
        "active": True,
        "description": f"{why} Written by {NAME} setup.",
        "conditions": {"all": conditions, "any": any_of or []},
        "actions": [{"field": "notification_webhook", "value": [webhook_id, TRIGGER_BODY]}],
    }
    if category_id is not None:
        trigger["category_id"] = str(category_id)
    return trigger


def _tags(operator: str, tags) -> dict:
    return {"field": "current_tags", "operator": operator, "value": " ".join(dict.fromkeys(tags))}


def _impact_tags(policy: Policy) -> dict[int, list[str]]:
    by_level: dict[int, list[str]] = {}
    for impact in policy.impacts:
        by_level.setdefault(impact.level, []).extend(sorted(impact.when.tags_any))
    return {level: list(dict.fromkeys(tags)) for level, tags in sorted(by_level.items()) if tags}


def _levels(policy: Policy) -> list[int]:
    """Every level the service can escalate to."""
    return sorted({policy.cc.level, policy.manual.level, *(i.level for i in policy.impacts)})


def plan_triggers(desired: list[dict], found: list[dict]) -> list[Step]:
    """Match by title; update what differs; deactivate ours that the policy no longer needs."""
    by_title = {t.get("title"): t for t in found}
    steps = []
    for trigger in desired:
        current = by_title.pop(trigger["title"], None)
        if current is None:
            steps.append(Step("trigger", trigger["title"], CREATE, trigger))
            continue
        differs = [
            key
            for key in ("active", "description", "category_id", "conditions", "actions")
            if key in trigger and canonical(key, current.get(key)) != canonical(key, trigger[key])
        ]
        steps.append(
            Step(
                "trigger",
                trigger["title"],
                UPDATE if differs else UNCHANGED,
                trigger if differs else None,
                current,
                ", ".join(differs),
            )
        )
    for title, stale in by_title.items():
        if title and title.startswith(f"{NAME}:") and stale.get("active"):
            steps.append(Step("trigger", title, UPDATE, {"active": False}, stale, "no longer needed: active → false"))
    return steps


def canonical(key: str, value):
    """Compare as Zendesk means it: ids as text, tag lists as sets, the webhook body as JSON."""
    if key == "category_id":
        return None if value is None else str(value)
    if key == "conditions":
        value = value or {}
        return tuple(sorted(_condition(c) for c in value.get(part) or []) for part in ("all", "any"))
    if key == "actions":
        return sorted(_action(a) for a in value or [])
    return value


def _condition(condition: dict) -> tuple:
    value = condition.get("value")
    if condition.get("field") == "current_tags" and isinstance(value, str):
        value = " ".join(sorted(value.split()))
    return condition.get("field"), condition.get("operator"), None if value is None else str(value)


def _action(action: dict) -> tuple:
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
