"""The one decision sequence (pure): screen → what to read → decide → lifecycle → plan.

The worker (worker/escalate.py for webhooks, worker/timers.py for SLA timers and the
feed's plans), `escalator simulate` (which runs the worker's own handler) and the
backtest (core/backtest/period.py) take every ticket through these functions in this order;
only the reads between the steps differ (Zendesk's API, recorded answers, the
replayed history). So none of them can decide otherwise than another on one history.

  screen          what the webhooks need read, against the episode (no read at all when nothing)
  read_comments   whether the new comments are read first; comments_matter: whether they leave a rule a chance
  decide          on the ticket as read: adopted, a Zendesk close or a de-escalation first, the rules (evidence
                  a closed episode or a linked email used up left out), an escalation email's case, the
                  lifecycle's step (core/lifecycle/transitions.py)
  timer_due       of an SLA moment's timers, the one that acts (or why none does); on_timer: its step
  plan            the SLA timers a ticket needs now; a timer planned before and no longer is superseded

The worker reads Zendesk between screen, comments_matter and decide; the backtest, whose
reads are free, calls them together (on_notifications).
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable, cast

from ..escalation.email import by_email, spent
from ..escalation.rules import COMMENTS, Decision, Rules
from ..notification import Notification
from ..policy import Policy
from ..sla.hours import Schedule
from ..sla.timer_check import decide_timer, stale_because
from ..sla.timers import BREACH, Timer, timers_for
from ..snapshot import Comment, TicketSnapshot
from .episode import CLOSED, DEESCALATED, Episode, escalation_made, standing_of
from .screening import screen as lifecycle_screen
from .state_table import adopt
from .transitions import Move, before_rules, on_ticket


@dataclass(frozen=True)
class Step:
    """What the sequence decided: the lifecycle's move (None: nothing to do), the rule's decision behind it,
    or the case an escalation email is linked to instead."""

    move: Move | None
    decision: Decision | None = None
    case_id: int | None = None
    before: Episode | None = None  # the episode the step started from (adopted from the mirror when unrecorded)

    @property
    def escalation(self) -> tuple[str, int] | None:
        """(reason, level) of the escalation this step makes, if it makes one (what the metric counts)."""
        return escalation_made(self.before, self.move.episode) if self.move else None


def screen(
    notes: list[Notification], episode: Episode | None, policy: Policy, rules: Rules
) -> dict[str, frozenset[str]]:
    """What each rule, and the lifecycle, needs read for these webhooks (empty: nothing can happen)."""
    standing = standing_of(episode)
    needs = rules.screen(notes, policy, standing)
    if lifecycle_need := lifecycle_screen(notes, standing, policy):
        needs["lifecycle"] = lifecycle_need
    return needs


def read_comments(needs: dict[str, frozenset[str]]) -> bool:
    """The new comments are read before the ticket (the cheaper read may rule every rule out)."""
    return any(COMMENTS in need for need in needs.values())


def comments_matter(
    needs: dict[str, frozenset[str]], new: tuple[Comment, ...], notes: list[Notification], policy: Policy, rules: Rules
) -> bool:
    """The new comments leave a rule a chance: the ticket is worth reading."""
    return rules.comments_leave_a_chance(needs, new, notes, policy)


def decide(
    ticket: TicketSnapshot,
    episode: Episode | None,
    policy: Policy,
    rules: Rules,
    now: datetime,
    read_case: Callable[[int], TicketSnapshot | str] | None = None,
) -> Step:
    """The state table's step on the ticket as read; `read_case` (None: no escalation emails) gives the cases an
    escalation email names."""
    episode = adopt(ticket, episode, policy, now)
    if first := before_rules(ticket, episode, policy, now):
        return Step(_used_up(first, ticket, policy, rules), before=episode)
    consumed = episode.consumed if episode and episode.state == CLOSED else frozenset()
    decision = rules.decide(ticket, policy, standing_of(episode), consumed | spent(ticket, policy))
    if read_case is not None:
        case_id, decision = by_email(ticket, decision, episode is None, policy, read_case)
        if case_id is not None:
            return Step(None, None, case_id)
    return Step(on_ticket(ticket, episode, decision, policy, now), decision, before=episode)


def on_notifications(
    ticket: TicketSnapshot,
    notes: list[Notification],
    episode: Episode | None,
    policy: Policy,
    rules: Rules,
    now: datetime,
    read_case: Callable[[int], TicketSnapshot | str] | None = None,
) -> Step:
    """The whole sequence on webhooks about a ticket whose comments and fields are at hand (the backtest)."""
    needs = screen(notes, episode, policy, rules)
    if not needs or (read_comments(needs) and not comments_matter(needs, ticket.new_comments, notes, policy, rules)):
        return Step(None)
    return decide(ticket, episode, policy, rules, now, read_case)


def _used_up(move: Move, ticket: TicketSnapshot, policy: Policy, rules: Rules) -> Move:
    """An agreed de-escalation uses up all the evidence the ticket shows then, not only what escalated it: a CC
    seen while a higher rule held the episode never opens another one. (Only here is an agreement read: the
    comments are read for a webhook, never for a moment.)"""
    if move.cause != DEESCALATED:
        return move
    closed = move.episode
    assert closed is not None  # a de-escalation closes its episode
    return replace(move, episode=replace(closed, consumed=closed.consumed | rules.evidence(ticket, policy)))


def timer_due(
    timers: list[Timer],
    ticket: TicketSnapshot,
    episode: Episode | None,
    policy: Policy,
    account: Schedule | None,
    now: datetime,
) -> Timer | str:
    """Of the timers due on a ticket together, the one that acts: the most serious fresh one; else why none."""
    standing = standing_of(adopt(ticket, episode, policy, now))
    fresh = [t for t in timers if not stale_because(t, ticket, policy, account, standing)]
    if not fresh:
        # Every timer is stale, so the first says why (its reason is never None then).
        return cast(str, stale_because(timers[0], ticket, policy, account, standing))
    return max(fresh, key=lambda t: (t.kind == BREACH, t.round, t.fire_at))


def on_timer(
    timer: Timer,
    ticket: TicketSnapshot,
    episode: Episode | None,
    policy: Policy,
    account: Schedule | None,
    now: datetime,
) -> Step | str:
    """A due timer's step on the ticket as read at its moment (a Zendesk close or a de-escalation first), or why
    it is stale now."""
    episode = adopt(ticket, episode, policy, now)
    reason = stale_because(timer, ticket, policy, account, standing_of(episode))
    if reason:
        return reason
    if first := before_rules(ticket, episode, policy, now):
        return Step(first, before=episode)
    decision = decide_timer(timer, ticket, policy, now, standing_of(episode))
    return Step(on_ticket(ticket, episode, decision, policy, now), decision, before=episode)


def plan(ticket: TicketSnapshot, policy: Policy, now: datetime, account: Schedule | None) -> list[Timer]:
    """The SLA timers the ticket needs as read now; a timer planned before and not among them is superseded."""
    return timers_for(ticket, policy, now, account)
