"""What the backtest reports (pure): one finding per step the service would have taken, and their counts."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..escalation.rules import Decision
from ..lifecycle.episode import DEESCALATED, REOPENED, SOLVED
from ..lifecycle.state_table import CLOSED_IN_ZENDESK
from ..lifecycle.transitions import Move
from ..sla.timers import Timer
from ..snapshot import TicketSnapshot
from ..state import Standing

ESCALATING = ("escalated", "raised")  # what the summaries count
RE_ESCALATED = "re-escalated"
# A lifecycle step's cause (core/lifecycle/transitions.py) -> what the finding calls it; "on_plan" sends nothing.
STEPS = {
    RE_ESCALATED: RE_ESCALATED,
    REOPENED: RE_ESCALATED,
    SOLVED: "monitoring",
    "reminder": "reminder",
    "deescalation_refused": "refused",
    DEESCALATED: "de-escalated",
    "closed": "closed",
    CLOSED_IN_ZENDESK: "closed",
}
REVIEW = "closed: the review would be written from the ticket's audits"


@dataclass(frozen=True)
class Finding:
    """One update the service would have sent: when, what kind, which rule, and on what evidence."""

    ticket_id: int
    at: datetime
    kind: str  # escalated (the first time), raised (a higher level), acknowledged, noted, or a lifecycle step
    rule: str
    reason: str
    level: int
    evidence: tuple[str, ...] = ()
    stage: str | None = None  # SLA timers: "30 min before", "75 % of the target", "at the breach"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = {
            "ticket_id": self.ticket_id,
            "at": self.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "kind": self.kind,
            "rule": self.rule,
            "reason": self.reason,
            "level": self.level,
            "evidence": list(self.evidence),
        }
        return data | ({"stage": self.stage} if self.stage else {})


def finding_of(
    ticket: TicketSnapshot,
    before: Standing,
    move: Move,
    decision: Decision | None,
    at: datetime,
    timer: Timer | None = None,
) -> Finding | None:
    """What a step on this ticket (and its episode's standing before the step) says; None when it sends nothing."""
    if decision is not None and move.cause != RE_ESCALATED:
        return _escalation(ticket, before, decision, at, timer)
    kind, episode = STEPS.get(move.cause), move.episode
    if kind is None:
        return None
    assert episode is not None  # a lifecycle step keeps its episode
    if decision is not None:  # new evidence while monitoring
        return Finding(ticket.id, at, kind, decision.rule, decision.reason, episode.level, decision.evidence)
    return Finding(ticket.id, at, kind, "lifecycle", episode.reason, episode.level, _said(move))


def summarize(findings: list[Finding]) -> dict[str, Any]:
    """Counts by rule, reason and level of the escalations and raises; tickets first escalated per day.

    Lifecycle steps are counted by kind under "lifecycle", only when there are any.
    """
    counted = [f for f in findings if f.kind in ESCALATING]
    first: dict[int, Finding] = {}
    for finding in sorted(counted, key=lambda f: f.at):
        first.setdefault(finding.ticket_id, finding)
    per_day = Counter(f.at.strftime("%Y-%m-%d") for f in first.values())
    steps = Counter(f.kind for f in findings if f.kind in STEPS.values())
    summary: dict[str, Any] = {
        "tickets": len(first),
        "escalations": sum(f.kind == "escalated" for f in counted),
        "raises": sum(f.kind == "raised" for f in counted),
        "other_updates": len(findings) - len(counted),
        "by_rule": dict(sorted(Counter(f.rule for f in counted).items())),
        "by_reason": dict(sorted(Counter(f.reason for f in counted).items())),
        "by_level": {str(k): v for k, v in sorted(Counter(f.level for f in counted).items())},
        "per_day": dict(sorted(per_day.items())),
    }
    return summary | ({"lifecycle": dict(sorted(steps.items()))} if steps else {})


def _escalation(
    ticket: TicketSnapshot, before: Standing, decision: Decision, at: datetime, timer: Timer | None
) -> Finding:
    if decision.acknowledge_only:
        kind = "acknowledged"
    else:
        kind = "escalated" if not before.escalated else "raised" if decision.level > before.level else "noted"
    # The decision's own lines of the note (why an escalation email was not linked) say what an agent would read.
    return Finding(
        ticket.id,
        at,
        kind,
        decision.rule,
        decision.reason,
        decision.level,
        decision.evidence + decision.notes,
        timer.stage if timer else None,
    )


def _said(move: Move) -> tuple[str, ...]:
    """The step's evidence: what the episode's timeline records, or the note when it says more."""
    if move.cause == "deescalation_refused":
        return ("de-escalation asked without an agent's note recording the customer's agreement",)
    if move.cause == "reminder":
        assert move.update is not None  # a reminder is a note
        return (move.update["comment"]["body"],)
    assert move.episode is not None  # a lifecycle step keeps its episode
    step = move.episode.history[-1]
    detail = {
        SOLVED: f"the ticket was solved: {step.detail}",
        DEESCALATED: f"the customer's agreement: {step.detail}",
        REOPENED: "the ticket was reopened while monitoring: the problem recurred",
    }.get(move.cause, step.detail)
    return (detail, REVIEW) if move.needs_review else (detail,)
