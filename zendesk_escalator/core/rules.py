"""Pure decision core: (ticket snapshot, policy, now) -> Decision or None.

Rules live in a registry; each looks at the snapshot and returns a candidate
Decision. The highest level wins, and nothing happens when the ticket is already
escalated at that level or above ("not again").
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from .policy import Policy
from .snapshot import TicketSnapshot

LEVEL_TAG = "escalation_level_{}"
REASON_TAG = "escalation_reason_{}"
QUOTE_LIMIT = 1000


@dataclass(frozen=True)
class Decision:
    """One escalation to carry out, with the evidence that justifies it."""

    rule: str
    reason: str
    level: int
    priority: str | None = None
    evidence: tuple[str, ...] = ()
    quote: str | None = None
    consume_tags: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class EscalationState:
    """Where the ticket stands now, read from the escalation fields or tags."""

    active: bool
    level: int = 0
    reason: str | None = None


RuleCheck = Callable[[TicketSnapshot, Policy], "Decision | None"]
RULES: dict[str, RuleCheck] = {}


def rule(name: str) -> Callable[[RuleCheck], RuleCheck]:
    """Register a rule under a stable name (shown in notes and `simulate`)."""
    def register(check: RuleCheck) -> RuleCheck:
        RULES[name] = check
        return check
    return register


@rule("customer_cc")
def customer_cc(ticket: TicketSnapshot, policy: Policy) -> Decision | None:
    """The escalation address is CC'd, was a recipient of the latest comment, or got the email."""
    comment = ticket.latest_comment
    evidence = []
    in_comment = sorted(policy.addresses & comment.recipients) if comment else []
    if in_comment:
        evidence.append(f"latest comment (#{comment.id}) was sent to {', '.join(in_comment)}")
    on_ticket = sorted(policy.addresses & ticket.cc_emails)
    if on_ticket:
        evidence.append(f"{', '.join(on_ticket)} is CC'd on the ticket")
    if ticket.recipient in policy.addresses:
        evidence.append(f"the ticket was emailed to {ticket.recipient}")
    if not evidence:
        return None
    return Decision("customer_cc", "customer_cc", policy.cc.level, policy.cc.priority,
                    tuple(evidence), quote=_quote(comment))


@rule("impact_tag")
def impact_tag(ticket: TicketSnapshot, policy: Policy) -> Decision | None:
    """A tag names a business-critical impact (production down, data loss, ...)."""
    hits = [impact for impact in policy.impacts if impact.tag in ticket.tags]
    if not hits:
        return None
    worst = max(hits, key=lambda impact: impact.level)
    evidence = tuple(f"tag {impact.tag} → {impact.reason}" for impact in hits)
    return Decision("impact_tag", worst.reason, worst.level, worst.priority, evidence)


@rule("manual_request")
def manual_request(ticket: TicketSnapshot, policy: Policy) -> Decision | None:
    """An agent added the escalation tag or set the status field to 'requested'."""
    manual = policy.manual
    evidence = []
    if manual.tag in ticket.tags:
        evidence.append(f"an agent added the tag {manual.tag}")
    if ticket.field(policy.fields.status) == policy.requested_value:
        evidence.append(f"an agent set the escalation status to {policy.requested_value}")
    if not evidence:
        return None
    return Decision("manual_request", "manual", manual.level, manual.priority,
                    tuple(evidence), consume_tags=frozenset({manual.tag}))


def decide(ticket: TicketSnapshot, policy: Policy, now: datetime) -> Decision | None:
    """Return the escalation this ticket needs now, or None."""
    if ticket.status == "closed":  # closed tickets cannot be updated
        return None
    candidates = [d for check in RULES.values() if (d := check(ticket, policy))]
    if not candidates:
        return None
    best = max(candidates, key=lambda d: d.level)  # first registered wins a tie
    state = current_state(ticket, policy)
    if state.active and best.level <= state.level:
        return None
    return best


def current_state(ticket: TicketSnapshot, policy: Policy) -> EscalationState:
    """Read the escalation state from the custom fields, falling back to our tags."""
    fields = policy.fields
    active = (ticket.field(fields.status) == policy.active_value if fields.status
              else policy.escalated_tag in ticket.tags)
    level = _int(ticket.field(fields.level)) or _tag_suffix(ticket.tags, "escalation_level_(\\d+)")
    reason = ticket.field(fields.reason) or _tag_suffix(ticket.tags, "escalation_reason_(\\w+)")
    return EscalationState(active, int(level or 0), reason if isinstance(reason, str) else None)


def _tag_suffix(tags: tuple[str, ...], pattern: str) -> str | None:
    matches = (re.fullmatch(pattern, tag) for tag in tags)
    return next((m.group(1) for m in matches if m), None)


def _int(value: object) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _quote(comment) -> str | None:
    if comment is None or not comment.body.strip():
        return None
    text = comment.body.strip()
    if len(text) > QUOTE_LIMIT:
        text = text[:QUOTE_LIMIT].rstrip() + " …"
    return text
