"""What the policy would have done to a ticket over a past period, by the worker's own core (pure).

Every change of the ticket is handed to the rules as the worker gets it (a
trigger webhook with the change's hints): screened, its comments looked at,
then decided on the ticket as it was just after the change. The SLA clock is
read at each moment it changed, and timers are planned and re-checked at their
moment by core/sla.py, as the worker's feed and timer handler do. Each update
the service would have sent is applied to the replayed ticket, so the next
decision sees it escalated, exactly as the worker's fresh read would.
"""

import heapq
import itertools
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from .hours import Schedule
from .notification import Notification
from .plan import build_update
from .policy import Policy
from .replay import Change, apply_change, apply_update, start_state
from .rules import COMMENTS, Decision, Rules
from .sla import BREACH, Timer, decide_timer, stale_because, timers_for
from .sla_history import MetricHistory, clocks_at, moments
from .snapshot import TicketSnapshot
from .state import read_state

ESCALATING = ("escalated", "raised")  # what the summaries count
CHANGE, CLOCK, TIMER = 0, 1, 2  # at one moment: the change first, then the clock, then timers


@dataclass(frozen=True)
class Finding:
    """One update the service would have sent: when, what kind, which rule, and on what evidence."""

    ticket_id: int
    at: datetime
    kind: str  # escalated (the first time), raised (a higher level), acknowledged (a request seen), noted
    rule: str
    reason: str
    level: int
    evidence: tuple[str, ...] = ()
    stage: str | None = None  # SLA timers: "30 min before", "75 % of the target", "at the breach"

    def to_dict(self) -> dict:
        """JSON-ready form."""
        data = {"ticket_id": self.ticket_id, "at": self.at.strftime("%Y-%m-%dT%H:%M:%SZ"), "kind": self.kind,
                "rule": self.rule, "reason": self.reason, "level": self.level, "evidence": list(self.evidence)}
        return data | ({"stage": self.stage} if self.stage else {})


@dataclass
class TicketHistory:
    """What the exports tell of one ticket: today's state, its changes, its SLA clock."""

    ticket: TicketSnapshot
    changes: list[Change] = field(default_factory=list)
    clocks: list[MetricHistory] = field(default_factory=list)


def replay(history: TicketHistory, policy: Policy, rules: Rules, until: datetime,
           account: Schedule | None = None) -> list[Finding]:
    """The updates the policy would have made to this ticket, in order, up to `until`."""
    state, findings, planned = start_state(history.ticket, history.changes), [], set()
    order = itertools.count()
    queue = [(c.at, CHANGE, next(order), c) for c in history.changes if not _by_us(c, policy)]
    queue += [(at, CLOCK, next(order), None) for at in moments(history.clocks)]
    heapq.heapify(queue)
    while queue and queue[0][0] <= until:
        at, kind, _, item = heapq.heappop(queue)
        metrics, targets = clocks_at(history.clocks, at)
        state, timer, decision = replace(state, sla_metrics=metrics, sla_targets=targets), None, None
        if kind == CHANGE:
            state = apply_change(state, item)
            decision = decide_change(state, item, policy, rules)
        elif kind == TIMER:
            timer, decision = _due([item] + _also_due(queue, at), state, policy, at, account)
        if decision is not None:
            findings.append(_finding(state, decision, policy, at, timer))
            state = apply_update(state, build_update(state, decision, policy, at))
        for new in timers_for(state, policy, at, account):
            if new.key not in planned:  # a timer acts once, as its inbox row does
                planned.add(new.key)
                heapq.heappush(queue, (max(new.fire_at, at), TIMER, next(order), new))
    return findings


def decide_change(state: TicketSnapshot, change: Change, policy: Policy, rules: Rules) -> Decision | None:
    """What the worker decides on this change's webhook: screened, comments looked at, then decided."""
    notes = [notification_of(change, state, policy)]
    needs = rules.screen(notes, policy)
    if not needs:
        return None
    if any(COMMENTS in need for need in needs.values()) and not rules.comments_leave_a_chance(
            needs, state.new_comments, notes, policy):
        return None
    return rules.decide(state, policy)


def notification_of(change: Change, state: TicketSnapshot, policy: Policy) -> Notification:
    """The trigger webhook this change would have sent (the README's body, with its hints)."""
    status_field = policy.fields.status
    return Notification(ticket_id=change.ticket_id, source="trigger", actor_id=change.actor_id,
                        actor_role=change.actor_role, tags=state.tags, priority=state.priority,
                        status=state.status, updated_at=state.updated_at,
                        escalation_status=state.field(status_field) if status_field else None)


def summarize(findings: list[Finding]) -> dict:
    """Counts by rule, reason and level of the escalations and raises; tickets first escalated per day."""
    counted = [f for f in findings if f.kind in ESCALATING]
    first: dict[int, Finding] = {}
    for finding in sorted(counted, key=lambda f: f.at):
        first.setdefault(finding.ticket_id, finding)
    per_day = Counter(f.at.strftime("%Y-%m-%d") for f in first.values())
    return {"tickets": len(first), "escalations": sum(f.kind == "escalated" for f in counted),
            "raises": sum(f.kind == "raised" for f in counted),
            "other_updates": len(findings) - len(counted),
            "by_rule": dict(sorted(Counter(f.rule for f in counted).items())),
            "by_reason": dict(sorted(Counter(f.reason for f in counted).items())),
            "by_level": {str(k): v for k, v in sorted(Counter(f.level for f in counted).items())},
            "per_day": dict(sorted(per_day.items()))}


def _also_due(queue: list, at: datetime) -> list[Timer]:
    """The other timers of the same moment: the handler takes them together."""
    due = []
    while queue and queue[0][0] == at and queue[0][1] == TIMER:
        due.append(heapq.heappop(queue)[3])
    return due


def _due(timers: list[Timer], state: TicketSnapshot, policy: Policy, at: datetime,
         account: Schedule | None) -> tuple[Timer | None, Decision | None]:
    """Timers at their moment, re-checked on the ticket as it then was; the most serious speaks."""
    fresh = [t for t in timers if not stale_because(t, state, policy, account)]
    if not fresh:
        return None, None
    timer = max(fresh, key=lambda t: (t.kind == BREACH, t.round, t.fire_at))
    return timer, decide_timer(timer, state, policy, at)


def _finding(state: TicketSnapshot, decision: Decision, policy: Policy, at: datetime,
             timer: Timer | None) -> Finding:
    before = read_state(state, policy)
    if decision.acknowledge_only:
        kind = "acknowledged"
    else:
        kind = "escalated" if not before.active else "raised" if decision.level > before.level else "noted"
    return Finding(state.id, at, kind, decision.rule, decision.reason, decision.level, decision.evidence,
                   timer.stage if timer else None)


def _by_us(change: Change, policy: Policy) -> bool:
    """The service's own updates are left out: the policy under test stands in for them."""
    return policy.integration_user_id is not None and change.actor_id == policy.integration_user_id
