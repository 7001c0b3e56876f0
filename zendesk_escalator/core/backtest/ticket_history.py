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

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping, cast

from ..notification import STAFF_ROLES, Notification
from ..policy import Policy
from ..snapshot import Comment, TicketSnapshot, parse_time
from ..snapshot_api import People, comment_from_api

# Zendesk's field names, as the snapshot calls them; other system fields play no part in a decision.
FIELDS = {
    "status": "status",
    "priority": "priority",
    "group_id": "group_id",
    "assignee_id": "assignee_id",
    "ticket_form_id": "form_id",
    "organization_id": "organization_id",
    "brand_id": "brand_id",
}
IDS = frozenset({"group_id", "assignee_id", "form_id", "organization_id", "brand_id"})
# Keys of a flattened child event (the field as its own key) that are not a ticket field.
NOT_FIELDS = frozenset(
    {
        "id",
        "via",
        "via_reference_id",
        "event_type",
        "type",
        "previous_value",
        "added_tags",
        "removed_tags",
        "comment_present",
        "comment_public",
        "audit_id",
        "created_at",
        "field_name",
        "value",
        "attachments",
        "metadata",
    }
)
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


def changes_from_export(events: Iterable[dict[str, Any]], people: People) -> dict[int, list[Change]]:
    """Group the export's ticket events by ticket, each once (time-based pages overlap), oldest first."""
    seen: set[object] = set()
    by_ticket: dict[int, list[Change]] = defaultdict(list)
    for raw in events:
        if not isinstance(raw, dict) or raw.get("id") in seen or not isinstance(raw.get("ticket_id"), int):
            continue
        seen.add(raw.get("id"))
        change = change_from_event(raw, people)
        if change is not None:
            by_ticket[change.ticket_id].append(change)
    for changes in by_ticket.values():
        changes.sort(key=lambda c: (c.at, c.id))
    return dict(by_ticket)


def change_from_event(raw: dict[str, Any], people: People) -> Change | None:
    """One ticket event (an audit with its child events); None without a time."""
    at = _moment(raw)
    if at is None:
        return None
    actor = raw.get("updater_id") if isinstance(raw.get("updater_id"), int) and raw["updater_id"] > 0 else None
    fields: list[FieldChange] = []
    added: list[str] = []
    removed: list[str] = []
    comments: list[Comment] = []
    created = False
    for child in raw.get("child_events") or ():
        kind = child.get("event_type") or child.get("type") if isinstance(child, dict) else None
        if kind == "Comment" and ("body" in child or "plain_body" in child):
            comments.append(comment_from_api(child, people))
        elif kind in ("Create", "Change"):
            created = created or kind == "Create"
            for name, value, previous in _pairs(child):
                if name == "tags":
                    plus, minus = _tag_diff(child, value, previous)
                    added += plus
                    removed += minus
                elif (field := _field(name, value, previous)) is not None:
                    fields.append(field)
    return Change(
        raw.get("id") or 0,
        raw["ticket_id"],
        at,
        actor,
        people.role(actor),
        tuple(fields),
        tuple(added),
        tuple(removed),
        tuple(comments),
        created,
    )


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


def _pairs(child: dict[str, Any]) -> list[tuple[str, object, object]]:
    """(field name, value, previous) of a child event, in either form the export is seen in."""
    previous = child.get("previous_value", UNKNOWN)
    if "field_name" in child:  # the audit form: field_name, value, previous_value
        return [(str(child["field_name"]), child.get("value"), previous)]
    return [(key, value, previous) for key, value in child.items() if key not in NOT_FIELDS]


def _tag_diff(child: dict[str, Any], value: object, previous: object) -> tuple[list[str], list[str]]:
    if "added_tags" in child or "removed_tags" in child:
        return list(child.get("added_tags") or ()), list(child.get("removed_tags") or ())
    now, before = _tags(value), _tags(previous) if previous is not UNKNOWN else []
    return [t for t in now if t not in before], [t for t in before if t not in now]


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):  # some exports give a space-separated string
        return value.split()
    return [t for t in value or () if isinstance(t, str)]


def _field(name: str, value: object, previous: object) -> FieldChange | None:
    if name.isdigit():
        return FieldChange(int(name), value, previous)
    attribute = FIELDS.get(name)
    if attribute is None:
        return None
    if attribute in IDS:
        value, previous = _id(value), previous if previous is UNKNOWN else _id(previous)
    return FieldChange(attribute, value, previous)


def _id(value: object) -> int | None:
    """Audits give ids as text ("360000000003"); empty means none."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _moment(raw: dict[str, Any]) -> datetime | None:
    stamp = raw.get("timestamp")
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool):
        return datetime.fromtimestamp(stamp, tz=timezone.utc)
    return parse_time(raw.get("created_at"))
