"""Turn a Decision into the body of ONE ticket update (pure)."""

from string import Template
from typing import Any

from ..policy import PRIORITIES, Policy, Route
from ..snapshot import TicketSnapshot
from ..state import Mirror, mirror_fields, mirror_tags
from .rules import Decision

ACKNOWLEDGED = (
    "Escalation request seen ({evidence}): the ticket is already escalated at level "
    "{level} ({reason}), so nothing more changed."
)
CLEARED = " The request has been cleared."  # its tag removed (an email's request has none)


def build_update(ticket: TicketSnapshot, decision: Decision, policy: Policy, mirror: Mirror) -> dict[str, Any]:
    """Return the `ticket` object for PUT /api/v2/tickets/{id}.json (None values go as null).

    `mirror` is what the escalation fields and tags must show once the episode has taken the decision.
    """
    update: dict[str, Any] = {"id": ticket.id}
    if ticket.updated_at:
        # Zendesk answers 409 if someone else changed the ticket since our read.
        update.update(safe_update=True, updated_stamp=ticket.updated_at)
    if decision.acknowledge_only:
        return _acknowledgement(ticket, decision, policy, mirror)
    actions: list[str] = []
    if decision.reassign:
        update.update(_assignment(ticket, route_for(ticket, policy), actions))
    if priority_after(ticket, decision) != ticket.priority:
        update["priority"] = decision.priority
        actions.append(f"priority → {decision.priority}")
    update.update(_mirrored(ticket, policy, mirror, decision.consume_tags))
    update.update(_followers(ticket, policy.level(decision.level).followers + decision.followers, actions))
    note = "\n".join((render_note(decision, policy, actions), *decision.notes))
    update["comment"] = {"body": note, "public": False}
    return update


def priority_after(ticket: TicketSnapshot, decision: Decision) -> str | None:
    """The ticket's priority once the decision is carried out (it only ever rises)."""
    return decision.priority if _raises(ticket.priority, decision.priority) else ticket.priority


def lifecycle_update(
    ticket: TicketSnapshot,
    policy: Policy,
    mirror: Mirror,
    note: str,
    followers: tuple[int, ...] = (),
    consumed: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """A lifecycle change as one update: the episode's mirror in the fields and tags, followers, one internal note."""
    update: dict[str, Any] = {"id": ticket.id}
    if ticket.updated_at:
        update.update(safe_update=True, updated_stamp=ticket.updated_at)
    update.update(_mirrored(ticket, policy, mirror, consumed))
    update.update(_followers(ticket, followers, []))
    update["comment"] = {"body": note, "public": False}
    return update


def route_for(ticket: TicketSnapshot, policy: Policy) -> Route | None:
    """Return the first route whose condition holds, else one to the default group."""
    for route in policy.routes:
        if route.when.evidence(ticket) is not None:
            return route
    return Route(policy.default_group_id) if policy.default_group_id else None


def render_note(decision: Decision, policy: Policy, actions: list[str]) -> str:
    """Render the internal note that explains which rule fired and why."""
    quote = "\n" + _quoted(decision.quote) if decision.quote else ""
    level_name = policy.level(decision.level).name
    return (
        Template(policy.note_template)
        .substitute(
            rule=decision.rule,
            reason=decision.reason,
            level=decision.level,
            level_name=f"({level_name})" if level_name else "",
            evidence="\n".join(f"- {line}" for line in decision.evidence),
            actions="; ".join(actions) or "fields and tags updated",
            quote=quote,
        )
        .strip()
    )


def mirror_update(ticket: TicketSnapshot, policy: Policy, mirror: Mirror) -> dict[str, Any] | None:
    """An update that only repairs the escalation fields and tags (None: they show the mirror already)."""
    mirrored = _mirrored(ticket, policy, mirror, frozenset())
    if "custom_fields" not in mirrored and mirrored["tags"] == list(ticket.tags):
        return None
    stamp = {"safe_update": True, "updated_stamp": ticket.updated_at} if ticket.updated_at else {}
    return {"id": ticket.id, **stamp, **mirrored}


def _mirrored(ticket: TicketSnapshot, policy: Policy, mirror: Mirror, consumed: frozenset[str]) -> dict[str, Any]:
    """The escalation fields (those that differ) and the full tag set that show the mirror."""
    fields = mirror_fields(ticket, policy, mirror)
    return ({"custom_fields": fields} if fields else {}) | {"tags": mirror_tags(ticket, policy, mirror, consumed)}


def _acknowledgement(ticket: TicketSnapshot, decision: Decision, policy: Policy, mirror: Mirror) -> dict[str, Any]:
    """Clear an agent's request on a ticket escalated enough already: tags, status, one short note."""
    note = ACKNOWLEDGED.format(evidence="; ".join(decision.evidence), level=decision.level, reason=decision.reason)
    note += CLEARED if decision.consume_tags else ""
    if decision.quote:  # the customer's words, quoted as on an escalation's note
        note += "\n" + _quoted(decision.quote)
    # "requested" back to the episode's phase; the first escalation time is kept
    return lifecycle_update(ticket, policy, mirror, note, consumed=decision.consume_tags)


def _assignment(ticket: TicketSnapshot, route: Route | None, actions: list[str]) -> dict[str, Any]:
    if route is None:
        return {}
    if route.group_id != ticket.group_id:
        actions.append(f"group → {route.group_id}")
        if route.assignee_id:
            actions.append(f"assignee → {route.assignee_id}")
        elif ticket.assignee_id:
            actions.append(f"assignee {ticket.assignee_id} cleared (may not be a member of group {route.group_id})")
        # The old assignee may not belong to the new group: Zendesk would answer 422.
        # None must reach the wire as null (actions.py sends it so).
        return {"group_id": route.group_id, "assignee_id": route.assignee_id}
    if route.assignee_id and route.assignee_id != ticket.assignee_id:
        actions.append(f"assignee → {route.assignee_id}")
        return {"assignee_id": route.assignee_id}
    return {}


def _followers(ticket: TicketSnapshot, wanted: tuple[int, ...], actions: list[str]) -> dict[str, Any]:
    new = list(
        dict.fromkeys(uid for uid in wanted if uid not in ticket.follower_ids)
    )  # an owner may lead the level too
    if not new:
        return {}
    added = ", ".join(map(str, new))
    if ticket.has_followers:
        actions.append(f"followers added: {added}")
        return {"followers": [{"user_id": uid, "action": "put"} for uid in new]}
    # Without "CCs and followers" Zendesk ignores `followers`; collaborators are the older form.
    actions.append(f"collaborators added: {added} (this account has no followers: CCs and followers is off)")
    return {"additional_collaborators": new}


def _raises(current: str | None, wanted: str | None) -> bool:
    if wanted is None:
        return False
    rank = {name: i for i, name in enumerate(PRIORITIES)}
    return rank[wanted] > rank.get(current or "", -1)


def _quoted(quote: str) -> str:
    return "Escalation request:\n" + "\n".join(f"> {line}" for line in quote.splitlines())
