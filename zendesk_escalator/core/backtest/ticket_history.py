"""A ticket's history from Zendesk's ticket events export, replayed in order (pure).

Each event of the export is one update of one ticket (an audit): the fields it
set, the tags it added and removed, and, with `include=comment_events`, its
comments. A ticket's state before the period is the state read today with the
period's changes undone (each change carries the value it replaced); from there
each change is applied in turn, so every snapshot is the ticket as it was just
after that change. Tags are applied as what was added and removed, never as a
whole list, so that an escalation the replay itself planned keeps its tags
when an agent's later change is replayed over it. Each change is handed to the
decision sequence as the trigger webhook it would have sent (notification_of).
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Mapping, cast

from ..notification import STAFF_ROLES, Notification
from ..policy import Policy
from ..snapshot import Comment, TicketSnapshot

UNKNOWN = object()  # a change that does not say what it replaced


@dataclass(frozen=True)
class FieldChange:
    """One field set by a change: a snapshot attribute name, or a custom field's id."""

    name: str | int
    value: object
    previous: object = UNKNOWN


@dataclass(frozen=True)
class Change:
    """One update of one ticket, in the core's terms."""

    id: int
    ticket_id: int
    at: datetime
    actor_id: int | None = None
    actor_role: str | None = None
    fields: tuple[FieldChange, ...] = ()
    tags_added: tuple[str, ...] = ()
    tags_removed: tuple[str, ...] = ()
    comments: tuple[Comment, ...] = ()
    created: bool = False  # the ticket's first update: it sets every field


def start_state(current: TicketSnapshot, changes: list[Change]) -> TicketSnapshot:
    """The ticket before the first change: today's ticket with every change undone, newest first."""
    state = current
    for change in reversed(changes):
        undone = {f.name: f.previous for f in change.fields if f.previous is not UNKNOWN}
        tags = [t for t in state.tags if t not in change.tags_added]
        state = _set(state, undone, tuple(tags + [t for t in change.tags_removed if t not in tags]))
    created = bool(changes) and changes[0].created
    # Replies before the period are not in it: counted only for tickets born in it.
    return replace(
        state,
        new_comments=(),
        agent_replies=0 if created else None,
        created_at=state.created_at or (changes[0].at if created else None),
    )


def apply_change(state: TicketSnapshot, change: Change) -> TicketSnapshot:
    """The ticket just after this change; its comments are the new ones."""
    tags = [t for t in state.tags if t not in change.tags_removed]
    tags += [t for t in change.tags_added if t not in tags]
    replies = state.agent_replies
    if replies is not None:
        replies += sum(1 for c in change.comments if c.public and c.author_role in STAFF_ROLES)
    state = _set(state, {f.name: f.value for f in change.fields}, tuple(tags))
    return replace(
        state, new_comments=change.comments, agent_replies=replies, updated_at=change.at.strftime("%Y-%m-%dT%H:%M:%SZ")
    )


def apply_update(state: TicketSnapshot, update: dict[str, Any]) -> TicketSnapshot:
    """The ticket after the service's one update (the PUT it would have sent) had been applied."""
    fields = dict(state.custom_fields)
    fields.update({f["id"]: f["value"] for f in update.get("custom_fields") or ()})
    followers = set(state.follower_ids) | {f["user_id"] for f in update.get("followers") or ()}
    followers |= set(update.get("additional_collaborators") or ())
    direct = {key: update[key] for key in ("priority", "group_id", "assignee_id", "status") if key in update}
    tags = update.get("tags", state.tags)
    if "remove_tags" in update or "additional_tags" in update:  # a closed ticket's tags (Update Many Tickets)
        kept = [t for t in state.tags if t not in update.get("remove_tags", ())]
        tags = kept + [t for t in update.get("additional_tags", ()) if t not in kept]
    return replace(
        state,
        tags=tuple(tags),
        custom_fields=tuple(fields.items()),
        follower_ids=frozenset(followers),
        new_comments=(),
        **direct,
    )


def notification_of(change: Change, state: TicketSnapshot, policy: Policy) -> Notification:
    """The trigger webhook this change would have sent (the README's body, with its hints)."""
    status_field = policy.fields.status
    return Notification(
        ticket_id=change.ticket_id,
        source="trigger",
        actor_id=change.actor_id,
        actor_role=change.actor_role,
        tags=state.tags,
        priority=state.priority,
        status=state.status,
        updated_at=state.updated_at,
        # The status drop-down's value: its option's tag, or None.
        escalation_status=cast(str | None, state.field(status_field)) if status_field else None,
    )


def _set(state: TicketSnapshot, values: Mapping[str | int, object], tags: tuple[str, ...]) -> TicketSnapshot:
    custom = dict(state.custom_fields)
    custom.update({name: value for name, value in values.items() if isinstance(name, int)})
    # Any: each names a snapshot attribute (FIELDS) and holds what the export gave for it.
    named: dict[str, Any] = {name: value for name, value in values.items() if isinstance(name, str)}
    return replace(state, tags=tags, custom_fields=tuple(custom.items()), **named)
