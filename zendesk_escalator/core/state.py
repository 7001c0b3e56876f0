"""The escalation state on the ticket: read from, and written to, its fields and tags (pure).

The fields are what agents see; the tags are always written too, so that views,
triggers and the webhooks' own hints can tell the state without an API read.
A drop-down's value is itself a tag: the tags sent with a new status value must
hold that value and none of the others, or Zendesk would keep the two in
disagreement and the next update could read the old value back.
"""

import re
from dataclasses import dataclass

from .policy import Policy
from .snapshot import TicketSnapshot

LEVEL_TAG = "escalation_level_{}"
REASON_TAG = "escalation_reason_{}"
_LEVEL = re.compile(r"escalation_level_(\d+)")
_REASON = re.compile(r"escalation_reason_(\w+)")


@dataclass(frozen=True)
class EscalationState:
    """Where the ticket stands: escalated or not, at which level and why."""

    active: bool
    level: int = 0
    reason: str | None = None
    requested: bool = False  # an agent set the status field to the "requested" value


def read_state(ticket: TicketSnapshot, policy: Policy) -> EscalationState:
    """Read the state from the escalation fields, falling back to the service's tags."""
    ids, values = policy.fields, policy.values
    escalated = policy.escalated_tag in ticket.tags
    status = ticket.field(ids.status) if ids.status else None
    requested = status == values.requested
    # An agent who asks again on an escalated ticket replaces "active" with "requested".
    active = status == values.active or (requested and escalated) if ids.status else escalated
    level = _int(ticket.field(ids.level)) or _tag_value(ticket.tags, _LEVEL)
    reason = ticket.field(ids.reason) or _tag_value(ticket.tags, _REASON)
    return EscalationState(active, int(level or 0), reason if isinstance(reason, str) else None, requested)


def hinted_state(tags: tuple[str, ...] | None, policy: Policy) -> EscalationState | None:
    """The state a webhook's tags show (None when it sent no tags)."""
    if tags is None:
        return None
    return EscalationState(policy.escalated_tag in tags, int(_tag_value(tags, _LEVEL) or 0),
                           _tag_value(tags, _REASON), policy.values.requested in tags)


def escalated_fields(ticket: TicketSnapshot, policy: Policy, level: int, reason: str,
                     now_text: str) -> list[dict]:
    """The custom fields of an escalation, only those whose value changes."""
    ids = policy.fields
    wanted = {ids.status: policy.values.active, ids.level: level, ids.reason: reason}
    if not read_state(ticket, policy).active:  # keep the first escalation time
        wanted[ids.escalated_at] = now_text
    return [{"id": fid, "value": value} for fid, value in wanted.items()
            if fid and ticket.field(fid) != value]


def escalated_tags(ticket: TicketSnapshot, policy: Policy, level: int, reason: str,
                   consumed: frozenset[str] = frozenset()) -> list[str]:
    """The full tag set of an escalated ticket (tags replace on update), computed from the read."""
    status_tags = set(policy.values.all)
    kept = [tag for tag in ticket.tags if tag not in consumed and tag not in status_tags
            and not _LEVEL.fullmatch(tag) and not _REASON.fullmatch(tag)]
    wanted = [policy.escalated_tag, LEVEL_TAG.format(level), REASON_TAG.format(reason)]
    if policy.fields.status:
        wanted.append(policy.values.active)  # the drop-down option's tag, in agreement with the field
    return kept + [tag for tag in wanted if tag not in kept]


def _tag_value(tags, pattern: re.Pattern) -> str | None:
    matches = (pattern.fullmatch(tag) for tag in tags)
    return next((m.group(1) for m in matches if m), None)


def _int(value: object) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
