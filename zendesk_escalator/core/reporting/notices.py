"""Chat notices of hierarchical escalation (pure): which steps of an episode each [[notify]] target is told of.

Every change of an episode is a step of its history. A step is an event for the
chat targets when it opens the episode, raises its level, is an SLA breach, brings
it back from monitoring, is a missed customer update (a reminder) or closes it; a
target's `when` takes some levels, reasons and events. Each notice is one inbox
row keyed by target, episode, event and the step's place in the history, so a step
saved once is told once, whatever is redelivered or restarted.
"""

from dataclasses import asdict, dataclass
from typing import Any, cast

from ..channels import BREACH, CLOSED, EVENTS, LEVEL, OPENED, REMINDER, REOPENED
from ..kinds import NOTICE, notice_lane
from ..lifecycle.episode import CLOSED as CLOSED_STATE
from ..lifecycle.episode import ESCALATED, Episode
from ..policy import Policy
from ..sla.timers import BREACH as BREACH_REASON
from ..snapshot import TicketSnapshot

RAISING = frozenset({ESCALATED, "re-escalated"})  # the causes of a step a rule's evidence took
BACK = frozenset({"re-escalated", "reopened"})  # from monitoring, back to active


@dataclass(frozen=True)
class Notice:
    """What one target is told of one step: the facts as they were when the step was saved."""

    target: str
    event: str
    ticket_id: int
    url: str
    subject: str
    level: int
    level_name: str
    reason: str
    owner_id: int | None
    detail: str
    at: float  # the step's moment (seconds since the epoch)
    episode_id: int
    step: int  # the step's place in the episode's history
    sla_metric: str | None = None  # the ticket's next SLA breach (or the one breached), when it has one
    sla_at: float | None = None

    @property
    def key(self) -> str:
        """Its dedupe key: one notice per target, episode, event and step."""
        return f"{NOTICE}:{self.target}:{self.episode_id}:{self.event}:{self.step}"

    def row(self, now: float) -> dict[str, Any]:
        """The inbox row that sends it, due now."""
        return {
            "kind": NOTICE,
            "dedupe_key": self.key,
            "ticket_id": notice_lane(self.ticket_id),
            "payload": asdict(self),
            "run_at": now,
        }


def step_events(episode: Episode, index: int) -> tuple[str, ...]:
    """What the step at `index` of the episode's history is, as chat events (none for, say, an adoption)."""
    step = episode.history[index]
    before = episode.history[index - 1] if index else None
    found = {BREACH} if step.cause in RAISING and step.reason == BREACH_REASON else set()
    if before is not None and step.level > before.level:
        found.add(LEVEL)
    if index == 0 and step.cause == ESCALATED:
        found.add(OPENED)
    if step.cause in BACK:
        found.add(REOPENED)
    if step.cause == REMINDER:
        found.add(REMINDER)
    if step.state == CLOSED_STATE:
        found.add(CLOSED)
    return tuple(event for event in EVENTS if event in found)


def notices(episode: Episode, first: int, ticket: TicketSnapshot, policy: Policy, url: str) -> list[Notice]:
    """The notices of the episode's steps from `first` on, one per target that takes each."""
    found = []
    for index in range(first, len(episode.history)):
        step, events = episode.history[index], step_events(episode, index)
        reason = next((s.reason for s in reversed(episode.history[: index + 1]) if s.reason), episode.reason)
        for target in policy.notify if events else ():
            event = target.when.first_event(events, step.level, reason)
            if event is not None:
                metric, at = next_breach(ticket)
                found.append(
                    Notice(
                        target.name,
                        event,
                        ticket.id,
                        url,
                        ticket.subject,
                        step.level,
                        policy.level(step.level).name,
                        reason,
                        episode.owner_id,
                        _detail(episode, index),
                        step.at.timestamp(),
                        cast(int, episode.id),  # saved: notices are made as its step is saved
                        index,
                        metric,
                        at,
                    )
                )
    return found


def _detail(episode: Episode, index: int) -> str:
    """What the step says of itself: the opening's evidence, else the step's own words."""
    if index == 0 and episode.evidence:
        return "; ".join(episode.evidence)
    return episode.history[index].detail


def next_breach(ticket: TicketSnapshot) -> tuple[str | None, float | None]:
    """The ticket's earliest SLA breach still measured (past: breached), as Zendesk's clock has it."""
    active = [(m.breach_at, m.name) for m in ticket.sla_metrics if m.stage == "active" and m.breach_at]
    if not active:
        return None, None
    at, name = min(active)
    return name, at.timestamp()
