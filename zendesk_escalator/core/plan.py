"""Turn a Decision into the body of ONE ticket update (pure)."""

from datetime import datetime
from string import Template

from .policy import PRIORITIES, Policy, Route
from .rules import LEVEL_TAG, REASON_TAG, Decision, current_state
from .snapshot import TicketSnapshot


def build_update(ticket: TicketSnapshot, decision: Decision, policy: Policy,
                 now: datetime) -> dict:
    """Return the `ticket` object for PUT /api/v2/tickets/{id}.json."""
    update: dict = {"id": ticket.id}
    if ticket.updated_at:
        # Zendesk answers 409 if someone else changed the ticket since our read.
        update.update(safe_update=True, updated_stamp=ticket.updated_at)
    actions = []
    update.update(_assignment(ticket, route_for(ticket, policy), policy, actions))
    if _raises(ticket.priority, decision.priority):
        update["priority"] = decision.priority
        actions.append(f"priority → {decision.priority}")
    fields = _custom_fields(ticket, decision, policy, now)
    if fields:
        update["custom_fields"] = fields
    update["tags"] = _tags(ticket, decision, policy)
    followers = [uid for uid in policy.level(decision.level).followers
                 if uid not in ticket.follower_ids]
    if followers:
        update["followers"] = [{"user_id": uid, "action": "put"} for uid in followers]
        actions.append(f"followers added: {', '.join(map(str, followers))}")
    update["comment"] = {"body": render_note(decision, policy, actions), "public": False}
    return update


def route_for(ticket: TicketSnapshot, policy: Policy) -> Route | None:
    """Return the first route whose conditions all hold, else one to the default group."""
    for route in policy.routes:
        if _matches(route, ticket):
            return route
    return Route(policy.default_group_id) if policy.default_group_id else None


def render_note(decision: Decision, policy: Policy, actions: list[str]) -> str:
    """Render the internal note that explains which rule fired and why."""
    quote = ""
    if decision.quote:
        quote = "\nEscalation request:\n" + "\n".join(f"> {line}" for line in decision.quote.splitlines())
    level_name = policy.level(decision.level).name
    return Template(policy.note_template).substitute(
        rule=decision.rule,
        reason=decision.reason,
        level=decision.level,
        level_name=f"({level_name})" if level_name else "",
        evidence="\n".join(f"- {line}" for line in decision.evidence),
        actions="; ".join(actions) or "fields and tags updated",
        quote=quote,
    ).strip()


def _matches(route: Route, ticket: TicketSnapshot) -> bool:
    if route.tags and not route.tags & set(ticket.tags):
        return False
    if route.form_id and route.form_id != ticket.form_id:
        return False
    if route.field_id and str(ticket.field(route.field_id)) != route.field_value:
        return False
    return True


def _assignment(ticket: TicketSnapshot, route: Route | None, policy: Policy, actions: list) -> dict:
    if route is None:
        return {}
    if route.group_id != ticket.group_id:
        actions.append(f"group → {route.group_id}")
        if route.assignee_id:
            actions.append(f"assignee → {route.assignee_id}")
        # The old assignee may not belong to the new group: Zendesk would answer 422.
        return {"group_id": route.group_id, "assignee_id": route.assignee_id}
    if route.assignee_id and route.assignee_id != ticket.assignee_id:
        actions.append(f"assignee → {route.assignee_id}")
        return {"assignee_id": route.assignee_id}
    return {}


def _raises(current: str | None, wanted: str | None) -> bool:
    if wanted is None:
        return False
    rank = {name: i for i, name in enumerate(PRIORITIES)}
    return rank[wanted] > rank.get(current or "", -1)


def _custom_fields(ticket: TicketSnapshot, decision: Decision, policy: Policy,
                   now: datetime) -> list[dict]:
    ids = policy.fields
    values = {ids.status: policy.active_value, ids.level: decision.level, ids.reason: decision.reason}
    if not current_state(ticket, policy).active:  # keep the first escalation time
        values[ids.escalated_at] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return [{"id": fid, "value": value} for fid, value in values.items()
            if fid and ticket.field(fid) != value]


def _tags(ticket: TicketSnapshot, decision: Decision, policy: Policy) -> list[str]:
    """Tags replace on PUT, so compute the full set from the fresh read."""
    kept = [tag for tag in ticket.tags if tag not in decision.consume_tags
            and not tag.startswith(("escalation_level_", "escalation_reason_"))]
    wanted = [policy.escalated_tag, LEVEL_TAG.format(decision.level),
              REASON_TAG.format(decision.reason)]
    return kept + [tag for tag in wanted if tag not in kept]
