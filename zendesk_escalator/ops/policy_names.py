"""Every Zendesk object a policy names, and where it names it (pure: for `check`)."""

from dataclasses import dataclass, field

from ..core.conditions import When
from ..core.policy import Policy

# id -> where in the policy file, e.g. ["routes[2].group_id"]: a list's entries count from 1, in file order.
Places = dict[int, list[str]]


@dataclass
class Names:
    """Ids by kind, each with the policy keys that name it."""

    groups: Places = field(default_factory=dict)
    users: Places = field(default_factory=dict)
    fields: Places = field(default_factory=dict)
    forms: Places = field(default_factory=dict)
    brands: Places = field(default_factory=dict)
    organizations: Places = field(default_factory=dict)
    tickets: Places = field(default_factory=dict)
    schedules: list[str] = field(default_factory=list)  # keys that count in the account's Zendesk schedule
    options: dict[int, dict[str, list[str]]] = field(default_factory=dict)  # field id -> value -> where

    def add(self, kind: str, object_id: int | None, where: str) -> None:
        """Note that `where` names this object (nothing when the key is unset)."""
        if object_id is not None:
            getattr(self, kind).setdefault(object_id, []).append(where)

    def add_option(self, field_id: int, value: str, where: str) -> None:
        """Note that `where` expects this value of a (drop-down) field."""
        self.options.setdefault(field_id, {}).setdefault(value, []).append(where)


def names_in(policy: Policy) -> Names:
    """Collect what the policy names, in file order."""
    names = Names()
    names.add("groups", policy.default_group_id, "escalation.default_group_id")
    names.add("users", policy.integration_user_id, "escalation.integration_user_id")
    for role in ("status", "level", "reason", "escalated_at"):
        names.add("fields", getattr(policy.fields, role), f"fields.{role}")
    if policy.fields.status:  # monitoring and closed are written only by the lifecycle
        keys = ("active", "requested", "monitoring", "closed") if policy.lifecycle.enabled else ("active", "requested")
        for key in keys:
            names.add_option(policy.fields.status, getattr(policy.values, key), f"field_values.{key}")
    for n, level in enumerate(policy.levels, 1):
        for user in level.followers:
            names.add("users", user, f"levels[{n}].followers")
    for n, route in enumerate(policy.routes, 1):
        names.add("groups", route.group_id, f"routes[{n}].group_id")
        names.add("users", route.assignee_id, f"routes[{n}].assignee_id")
        _when(names, route.when, f"routes[{n}].when")
    for n, impact in enumerate(policy.impacts, 1):
        _when(names, impact.when, f"impact[{n}].when")
    if policy.lifecycle.enabled:
        for n, owner in enumerate(policy.lifecycle.owners, 1):
            names.add("users", owner.user_id, f"lifecycle.owners[{n}].user_id")
            _when(names, owner.when, f"lifecycle.owners[{n}].when")
    if policy.report.enabled:
        names.add("tickets", policy.report.ticket_id, "report.ticket_id")
    names.schedules = _zendesk_schedule_keys(policy)
    return names


def _zendesk_schedule_keys(policy: Policy) -> list[str]:
    """The keys whose business hours are the account's Zendesk schedule."""
    keys = []
    if policy.sla.enabled:
        keys += ["sla.schedule"] if policy.sla.schedule == "zendesk" else []
        keys += [
            f"sla.fallback[{n}].schedule"
            for n, target in enumerate(policy.sla.fallback, 1)
            if target.schedule == "zendesk"
        ]
    if policy.lifecycle.enabled and policy.lifecycle.cadence_schedule == "zendesk":
        keys.append("lifecycle.cadence_schedule")
    return keys


def _when(names: Names, when: When, where: str) -> None:
    for kind, ids, key in (
        ("forms", when.form_id, "form_id"),
        ("brands", when.brand_id, "brand_id"),
        ("organizations", when.organization_id, "organization_id"),
    ):
        for object_id in sorted(ids):
            names.add(kind, object_id, f"{where}.{key}")
    for field_id, values in when.fields:
        names.add("fields", field_id, f"{where}.fields")
        for value in sorted(values):
            names.add_option(field_id, value, f"{where}.fields")
