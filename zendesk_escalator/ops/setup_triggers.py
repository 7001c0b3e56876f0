"""The triggers `escalator setup` wants in Zendesk (narrow conditions, each with the loop guard) and what it takes
to get there (pure: no I/O)."""

import json
from typing import Any, Iterable

from ..core.policy import Policy
from ..core.state import LEVEL_TAG
from ..schemas.webhooks import TRIGGER_BODY_TEMPLATE
from .setup_plan import CREATE, NAME, UNCHANGED, UPDATE, Step, canonical

# Zendesk's via id of API updates ("web service"): the loop guard's fallback.
VIA_WEB_SERVICE = "5"
TRIGGER_BODY = json.dumps(TRIGGER_BODY_TEMPLATE, indent=2)


def loop_guard(definitions: dict[str, Any], user_id: int) -> tuple[dict[str, Any], bool]:
    """ "Current user is not <the integration user>" as Zendesk offers it; else "update via is not web service".

    The second element says whether the integration user itself could be named.
    """
    role: dict[str, Any] = next((c for c in definitions.get("conditions_all") or [] if c.get("subject") == "role"), {})
    offered = {str(v.get("value")) for v in role.get("values") or []}
    operators = {str(o.get("value")) for o in role.get("operators") or []}
    if str(user_id) in offered and "is_not" in operators:
        return {"field": "role", "operator": "is_not", "value": str(user_id)}, True
    return {"field": "current_via_id", "operator": "is_not", "value": VIA_WEB_SERVICE}, False


def can_exclude_tags(definitions: dict[str, Any]) -> bool:
    """Whether the tags condition offers "contains none of" (not_includes)."""
    tags: dict[str, Any] = next(
        (c for c in definitions.get("conditions_all") or [] if c.get("subject") == "current_tags"), {}
    )
    return "not_includes" in {str(o.get("value")) for o in tags.get("operators") or []}


def desired_triggers(
    policy: Policy, webhook_id: str, category_id: str | None, guard: dict[str, Any], exclude_tags: bool = True
) -> list[dict[str, Any]]:
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
    conditions: list[dict[str, Any]],
    guard: dict[str, Any],
    webhook_id: str,
    category_id: str | None,
    any_of: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
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


def _tags(operator: str, tags: Iterable[str]) -> dict[str, Any]:
    return {"field": "current_tags", "operator": operator, "value": " ".join(dict.fromkeys(tags))}


def _impact_tags(policy: Policy) -> dict[int, list[str]]:
    by_level: dict[int, list[str]] = {}
    for impact in policy.impacts:
        by_level.setdefault(impact.level, []).extend(sorted(impact.when.tags_any))
    return {level: list(dict.fromkeys(tags)) for level, tags in sorted(by_level.items()) if tags}


def _levels(policy: Policy) -> list[int]:
    """Every level the service can escalate to."""
    return sorted({policy.cc.level, policy.manual.level, *(i.level for i in policy.impacts)})


def plan_triggers(desired: list[dict[str, Any]], found: list[dict[str, Any]]) -> list[Step]:
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
