"""The escalation's mirror on the ticket (pure): written from the episode, read back only as agents' requests.

The service's episode record is the truth about an escalation (core/lifecycle/state_table.py).
The escalation fields and tags show it to agents, views and triggers: every update
the service sends writes them from the episode, so an empty, stale or changed mirror
is repaired by the next one. What is read back from them is only what agents ask
(the request tag or "requested" value, the de-escalation tag or "closed" value) and,
for a ticket the service holds no record of, an escalation to adopt.

A drop-down's value is itself a tag: the tags sent with a new status value must hold
that value and none of the others, or Zendesk would keep the two in disagreement.
"""

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from .policy import Policy
from .snapshot import TicketSnapshot

LEVEL_TAG = "escalation_level_{}"
REASON_TAG = "escalation_reason_{}"
ESCALATED_PHASES = ("active", "monitoring")  # an episode is open: rules do not escalate it again
PHASES = ("requested", "active", "monitoring", "closed")
UNKNOWN_REASON = "unknown"  # an adopted escalation whose mirror names no reason
_LEVEL = re.compile(r"escalation_level_(\d+)")
_REASON = re.compile(r"escalation_reason_(\w+)")


@dataclass(frozen=True)
class Standing:
    """Where a ticket's escalation stands for the service's decisions: its episode's word.

    Without a record (`recorded` False) a webhook's tags may stand in, to screen out
    reads only: an escalation made before the service kept records is adopted at the
    ticket's next read.
    """

    escalated: bool = False  # an episode is open (active or monitoring)
    level: int = 0
    reason: str | None = None
    phase: str | None = None  # active, monitoring, closed; None: never escalated
    recorded: bool = False

    def covers(self, level: int) -> bool:
        """Escalated at `level` or above already."""
        return self.escalated and self.level >= level


NOT_ESCALATED = Standing()


@dataclass(frozen=True)
class Mirror:
    """What the escalation fields and tags show of an episode."""

    phase: str  # active, monitoring or closed
    level: int
    reason: str
    escalated_at: str | None  # UTC, ISO 8601, as the "escalated at" field holds it


def screened(standing: Standing, tags: tuple[str, ...] | None, policy: Policy) -> Standing:
    """The standing screening takes for one webhook: the record's; without one, what the webhook's tags show."""
    if standing.recorded or tags is None:
        return standing
    escalated, phase = policy.escalated_tag in tags, _value_phase(tags, policy)
    if escalated and phase not in ESCALATED_PHASES:
        phase = "active"
    return Standing(escalated, int(_tag_value(tags, _LEVEL) or 0), _tag_value(tags, _REASON), phase)


def shown(ticket: TicketSnapshot, policy: Policy) -> Mirror | None:
    """The escalation the ticket's fields and tags show (None: none), for a ticket without a record to adopt."""
    ids = policy.fields
    phase = _phase(ticket.field(ids.status), policy) if ids.status else None
    if phase not in ESCALATED_PHASES:  # empty, requested or unreadable: the status value's tag may still tell
        phase = _value_phase(ticket.tags, policy)
    level = _int(ticket.field(ids.level)) or _int(_tag_value(ticket.tags, _LEVEL))
    # Or the tags the service writes: the escalation tag with a level (that tag alone may be an agent's own).
    if phase not in ESCALATED_PHASES and not (policy.escalated_tag in ticket.tags and level):
        return None
    reason = ticket.field(ids.reason) or _tag_value(ticket.tags, _REASON)
    at = ticket.field(ids.escalated_at)
    return Mirror(
        phase if phase in ESCALATED_PHASES else "active",
        level or 1,
        reason if isinstance(reason, str) and reason.strip() else UNKNOWN_REASON,
        at if isinstance(at, str) else None,
    )


def asked_to_escalate(ticket: TicketSnapshot, policy: Policy) -> tuple[str, ...]:
    """An agent's request to escalate, as evidence lines: the request tag, the "requested" value (field or tag)."""
    evidence = []
    if policy.manual.tag in ticket.tags:
        evidence.append(f"an agent added the tag {policy.manual.tag}")
    if _holds(ticket, policy, policy.values.requested):
        evidence.append(f"an agent set the escalation status to {policy.values.requested}")
    return tuple(evidence)


def asked_to_deescalate(ticket: TicketSnapshot, policy: Policy) -> bool:
    """An agent asks to de-escalate an open escalation: the de-escalation tag, or the "closed" value (field or tag).

    The service writes "closed" only once an episode closed, so on an open one it is an agent's.
    """
    return policy.lifecycle.deescalate_tag in ticket.tags or _holds(ticket, policy, policy.values.closed)


def mirror_fields(ticket: TicketSnapshot, policy: Policy, mirror: Mirror) -> list[dict[str, Any]]:
    """The escalation fields that show `mirror`, only those whose value differs from the ticket's."""
    ids = policy.fields
    wanted = {
        ids.status: policy.values.of(mirror.phase),
        ids.level: mirror.level,
        ids.reason: mirror.reason,
        ids.escalated_at: mirror.escalated_at,
    }
    return [
        {"id": fid, "value": value}
        for fid, value in wanted.items()
        if fid and value is not None and not _same(ticket.field(fid), value)
    ]


def mirror_tags(
    ticket: TicketSnapshot, policy: Policy, mirror: Mirror, consumed: frozenset[str] = frozenset()
) -> list[str]:
    """The full tag set that shows `mirror` (tags replace on update), computed from the ticket's."""
    status_tags = set(policy.values.all)
    kept = [
        tag
        for tag in ticket.tags
        if tag not in consumed
        and tag not in status_tags
        and tag != policy.escalated_tag
        and not _LEVEL.fullmatch(tag)
        and not _REASON.fullmatch(tag)
    ]
    wanted = [policy.escalated_tag] if mirror.phase in ESCALATED_PHASES else []
    # The phase's tag is the drop-down option's tag, in agreement with the field; without a
    # status field it is what tells the phase.
    wanted += [LEVEL_TAG.format(mirror.level), REASON_TAG.format(mirror.reason), policy.values.of(mirror.phase)]
    return kept + [tag for tag in wanted if tag not in kept]


def _holds(ticket: TicketSnapshot, policy: Policy, value: str) -> bool:
    """The status field holds `value`, or the ticket carries it as a tag (a drop-down's, or the tags alone)."""
    return value in ticket.tags or (bool(policy.fields.status) and ticket.field(policy.fields.status) == value)


def _same(have: object, want: object) -> bool:
    """Zendesk may give a number field's value back as text."""
    return have == want or (isinstance(want, int) and str(have) == str(want))


def _phase(value: object, policy: Policy) -> str | None:
    return next((phase for phase in PHASES if value == policy.values.of(phase)), None)


def _value_phase(tags: Collection[str], policy: Policy) -> str | None:
    """The phase a status value among the tags shows (a drop-down's option is a tag); "requested" is a request."""
    return next((phase for phase in ("closed", "monitoring", "active") if policy.values.of(phase) in tags), None)


def _tag_value(tags: Iterable[str], pattern: re.Pattern[str]) -> str | None:
    matches = (pattern.fullmatch(tag) for tag in tags)
    return next((m.group(1) for m in matches if m), None)


def _int(value: Any) -> int | None:  # Any: whatever int() takes; what it refuses is caught
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
