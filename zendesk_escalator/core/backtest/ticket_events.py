"""Zendesk's ticket events export as Changes (pure): each audit once, its fields, tags and comments, oldest first."""

from collections import defaultdict
from datetime import datetime, timezone
from typing import Any, Iterable

from ..snapshot import Comment, parse_time
from ..snapshot_api import People, comment_from_api
from .ticket_history import UNKNOWN, Change, FieldChange

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
