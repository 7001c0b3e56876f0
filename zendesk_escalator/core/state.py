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
ESCALATED_PHASES = ("active", "monitoring")  # an episode is open: rules do not escalate it again
_LEVEL = re.compile(r"escalation_level_(\d+)")
_REASON = re.compile(r"escalation_reason_(\w+)")


@dataclass(frozen=True)
class EscalationState:
    """Where the ticket stands: escalated or not, at which level and why."""

    active: bool  # escalated: the phase is active or monitoring
    level: int = 0
    reason: str | None = None
    requested: bool = False  # an agent set the status field to the "requested" value
    phase: str | None = None  # requested, active, monitoring, closed; None: never escalated


def read_state(ticket: TicketSnapshot, policy: Policy) -> EscalationState:
    """Read the state from the escalation fields, falling back to the service's tags."""
    ids = policy.fields
    # With a status field, the field is the truth (an agent may clear it); without one, the tags.
    status = ticket.field(ids.status) if ids.status else None
    phase = _phase(status, policy) if ids.status else _phase_from_tags(ticket.tags, policy)
    requested = phase == "requested"
    if requested and policy.escalated_tag in ticket.tags:
        phase = _phase_from_tags(ticket.tags, policy, skip_requested=True) or "active"  # asked again
    level = _int(ticket.field(ids.level)) or _tag_value(ticket.tags, _LEVEL)
    reason = ticket.field(ids.reason) or _tag_value(ticket.tags, _REASON)
    return EscalationState(phase in ESCALATED_PHASES, int(level or 0),
                           reason if isinstance(reason, str) else None, requested, phase)


def hinted_state(tags: tuple[str, ...] | None, policy: Policy) -> EscalationState | None:
    """The state a webhook's tags show (None when it sent no tags)."""
    if tags is None:
        return None
    return EscalationState(policy.escalated_tag in tags, int(_tag_value(tags, _LEVEL) or 0),
                           _tag_value(tags, _REASON), policy.values.requested in tags,
                           _phase_from_tags(tags, policy))


def escalated_enough(tags: tuple[str, ...] | None, policy: Policy, level: int) -> bool:
    """A webhook's tags show the ticket escalated at `level` or above already."""
    state = hinted_state(tags, policy)
    return bool(state and state.active and state.level >= level)


def escalated_fields(ticket: TicketSnapshot, policy: Policy, level: int, reason: str,
                     now_text: str, phase: str = "active") -> list[dict]:
    """The custom fields of an escalation in `phase`, only those whose value changes."""
    ids = policy.fields
    wanted = {ids.status: policy.values.of(phase), ids.level: level, ids.reason: reason}
    if not read_state(ticket, policy).active and phase == "active":  # keep the first escalation time
        wanted[ids.escalated_at] = now_text
    return [{"id": fid, "value": value} for fid, value in wanted.items()
            if fid and ticket.field(fid) != value]


def escalated_tags(ticket: TicketSnapshot, policy: Policy, level: int, reason: str,
                   consumed: frozenset[str] = frozenset(), phase: str = "active") -> list[str]:
    """The full tag set of a ticket in `phase` (tags replace on update), computed from the read."""
    status_tags = set(policy.values.all)
    kept = [tag for tag in ticket.tags if tag not in consumed and tag not in status_tags
            and tag != policy.escalated_tag and not _LEVEL.fullmatch(tag) and not _REASON.fullmatch(tag)]
    wanted = [policy.escalated_tag] if phase in ESCALATED_PHASES else []
    # The phase's tag is the drop-down option's tag, in agreement with the field; without a
    # status field it is what tells the phase.
    wanted += [LEVEL_TAG.format(level), REASON_TAG.format(reason), policy.values.of(phase)]
    return kept + [tag for tag in wanted if tag not in kept]


def _phase(value: object, policy: Policy) -> str | None:
    values = policy.values
    return next((state for state in ("requested", "active", "monitoring", "closed")
                 if value == values.of(state)), None)


def _phase_from_tags(tags, policy: Policy, skip_requested: bool = False) -> str | None:
    found = [state for state in ("closed", "monitoring", "active", "requested") if policy.values.of(state) in tags
             and not (skip_requested and state == "requested")]
    if found:
        return found[0]
    return "active" if policy.escalated_tag in tags else None


def _tag_value(tags, pattern: re.Pattern) -> str | None:
    matches = (pattern.fullmatch(tag) for tag in tags)
    return next((m.group(1) for m in matches if m), None)


def _int(value: object) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
