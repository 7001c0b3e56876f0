"""The escalation lifecycle (pure): requested → active → monitoring → closed, and back to active.

An episode opens when a rule escalates the ticket, gets an owner and a
communication plan, enters monitoring when the ticket is solved, goes back to
active when the problem recurs (the customer's reply reopens the ticket), and
closes with a review when monitoring ends without recurrence, or when an agent
de-escalates with the customer's agreement. Each transition on the ticket is one
update with one internal note; the record keeps the timeline.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..escalation.rules import Decision
from ..policy import Policy
from ..snapshot import TicketSnapshot
from ..state import ESCALATED_PHASES, NOT_ESCALATED, Mirror, Standing
from ..wording import moment

REQUESTED, ACTIVE, MONITORING, CLOSED = "requested", "active", "monitoring", "closed"
ESCALATED, SOLVED, REOPENED, MONITORED, DEESCALATED = "escalated", "solved", "reopened", "monitored", "deescalated"
# Every transition the lifecycle knows: (state before, what happened) -> state after.
TRANSITIONS = {
    (None, ESCALATED): ACTIVE,
    (REQUESTED, ESCALATED): ACTIVE,
    (ACTIVE, ESCALATED): ACTIVE,  # a higher level
    (MONITORING, ESCALATED): ACTIVE,  # new evidence while monitoring
    (CLOSED, ESCALATED): ACTIVE,  # a new episode, on new evidence only
    (ACTIVE, SOLVED): MONITORING,
    (MONITORING, REOPENED): ACTIVE,  # the problem recurred: re-escalation
    (MONITORING, MONITORED): CLOSED,
    (ACTIVE, DEESCALATED): CLOSED,
    (MONITORING, DEESCALATED): CLOSED,
}
UNSOLVED = frozenset({"new", "open", "pending", "hold"})
# The service's own note when a de-escalation lacks the customer's agreement: it quotes the agreement
# phrases, so it must never be read as an agent's agreement itself.
REFUSED = "De-escalation not done:"


def next_state(state: str | None, event: str) -> str | None:
    """The state after `event`, or None when the lifecycle does not move on it."""
    return TRANSITIONS.get((state, event))


@dataclass(frozen=True)
class Step:
    """One entry of an episode's timeline."""

    at: datetime
    state: str
    level: int
    cause: str
    detail: str = ""
    reason: str = ""  # for an escalation: its reason


@dataclass(frozen=True)
class Episode:
    """One escalation of a ticket, from its opening to its review."""

    ticket_id: int
    state: str
    opened_at: datetime
    level: int
    reason: str
    rule: str
    evidence: tuple[str, ...] = ()
    owner_id: int | None = None
    history: tuple[Step, ...] = ()
    missed_updates: int = 0
    consumed: frozenset[str] = frozenset()  # evidence used up: it never opens an episode again
    review: str | None = None
    closed_at: datetime | None = None
    id: int | None = None
    missing: tuple[str, ...] | None = None  # what the request checklist found missing (None: no checklist ran)

    def moved(
        self, at: datetime, state: str, cause: str, detail: str = "", level: int | None = None, reason: str = ""
    ) -> "Episode":
        """The episode after a transition, the step recorded."""
        level = self.level if level is None else level
        step = Step(at, state, level, cause, detail, reason)
        return replace(
            self,
            state=state,
            level=level,
            history=self.history + (step,),
            closed_at=at if state == CLOSED else self.closed_at,
        )

    @property
    def latest_reason(self) -> str:
        """The reason of the latest escalation (a raise may give another than the opening's)."""
        return next((step.reason for step in reversed(self.history) if step.reason), self.reason)

    @property
    def standing(self) -> Standing:
        """Where the escalation stands, for the service's decisions."""
        return Standing(self.state in ESCALATED_PHASES, self.level, self.latest_reason, self.state, recorded=True)

    @property
    def mirror(self) -> Mirror:
        """What the ticket's escalation fields and tags must show of this episode."""
        phase = ACTIVE if self.state == REQUESTED else self.state
        return Mirror(phase, self.level, self.latest_reason, self.opened_at.strftime("%Y-%m-%dT%H:%M:%SZ"))

    def to_record(self) -> dict[str, Any]:
        """JSON-ready form of what the columns do not hold."""
        return {
            "rule": self.rule,
            "evidence": list(self.evidence),
            "missed_updates": self.missed_updates,
            "consumed": sorted(self.consumed),
            "review": self.review,
            "missing": list(self.missing) if self.missing is not None else None,
            "history": [
                {
                    "at": _epoch(s.at),
                    "state": s.state,
                    "level": s.level,
                    "cause": s.cause,
                    "detail": s.detail,
                    "reason": s.reason,
                }
                for s in self.history
            ],
        }

    @classmethod
    def from_record(cls, row: Mapping[str, Any], record: dict[str, Any]) -> "Episode":
        """Rebuild from a stored row (columns) and its record."""
        return cls(
            ticket_id=row["ticket_id"],
            state=row["state"],
            opened_at=moment(row["opened_at"]),
            level=row["level"],
            reason=row["reason"],
            rule=record["rule"],
            evidence=tuple(record["evidence"]),
            owner_id=row["owner_id"],
            id=row["id"],
            history=tuple(
                Step(moment(s["at"]), s["state"], s["level"], s["cause"], s["detail"], s.get("reason", ""))
                for s in record["history"]
            ),
            missed_updates=record.get("missed_updates", 0),
            consumed=frozenset(record.get("consumed", ())),
            review=record.get("review"),
            closed_at=moment(row["closed_at"]) if row["closed_at"] else None,
            missing=tuple(record["missing"]) if record.get("missing") is not None else None,
        )


def standing_of(episode: Episode | None) -> Standing:
    """The standing of a ticket's episode (not escalated, and no record, without one)."""
    return episode.standing if episode is not None else NOT_ESCALATED


def escalated(
    episode: Episode | None, decision: Decision, ticket: TicketSnapshot, policy: Policy, now: datetime
) -> Episode:
    """The episode after an escalation: opened (or re-opened, or raised), owned, evidence consumed."""
    detail = f"{decision.rule}: {decision.reason} at level {decision.level}"
    if episode is None or episode.state == CLOSED:
        consumed = episode.consumed if episode else frozenset()
        episode = Episode(
            ticket.id,
            REQUESTED,
            now,
            decision.level,
            decision.reason,
            decision.rule,
            decision.evidence,
            consumed=consumed,
        )
    cause = "re-escalated" if episode.state == MONITORING else ESCALATED
    moved = episode.moved(now, ACTIVE, cause, detail, max(episode.level, decision.level), decision.reason)
    owner = (owner_for(ticket, moved.level, policy) if policy.lifecycle.enabled else None) or moved.owner_id
    return replace(moved, owner_id=owner, consumed=moved.consumed | decision.keys, missed_updates=0)


def escalation_made(before: Episode | None, after: Episode | None) -> tuple[str, int] | None:
    """(reason, level) of the escalation a step made: one opened (or re-escalated after monitoring) or a raise
    of level; None for a step that sends the level the episode had (an SLA warning at an unchanged level)."""
    if after is None or after.state != ACTIVE:
        return None
    if before is not None and before.state in (REQUESTED, ACTIVE) and after.level <= before.level:
        return None
    return after.latest_reason, after.level


def owner_for(ticket: TicketSnapshot, level: int, policy: Policy) -> int | None:
    """The escalation owner: the first owner rule for this ticket and level."""
    for rule in policy.lifecycle.owners:
        if rule.level in (None, level) and rule.when.evidence(ticket) is not None:
            return rule.user_id
    return None


def agreement(ticket: TicketSnapshot, policy: Policy) -> str | None:
    """The agent's note recording the customer's agreement, among the new comments (None when none).

    The service's own notes are no agent's: its refusal quotes the phrases.
    """
    phrases = [p.lower() for p in policy.lifecycle.agreement_phrases]
    for comment in reversed(ticket.new_comments):
        ours = comment.body.startswith(REFUSED) or (
            policy.integration_user_id is not None and comment.author_id == policy.integration_user_id
        )
        if not comment.by_customer and not ours and any(p in comment.body.lower() for p in phrases):
            return f"comment #{comment.id}: {comment.body.strip()[:200]}"
    return None


def _epoch(moment: datetime) -> float:
    return moment.timestamp()
