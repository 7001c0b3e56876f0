"""What the policy would have done over a past period, by the worker's own decision sequence (pure).

Every ticket of the period is replayed on one timeline, in the order things
happened. Each change is handed to core/lifecycle/sequence.py as the worker gets it (a
trigger webhook with the change's hints): screened, its comments looked at,
decided, the lifecycle's step. The SLA clock is read at each moment the ticket or
its clock changed and its timers are planned (those no longer planned superseded),
chosen and re-checked at their moment by the same sequence as the feed and the
timer handler; the lifecycle's moments (an
update due, monitoring's end) are taken at theirs, as its timer handler takes
them. With [recurring], a ticket's creation, or a change of its priority or
organization, runs the check over the tickets as they then were (at the priority
people set: the replay's own raises do not count), and a run is referred to its
newest ticket as the worker's check refers it. An escalation email is linked to the
case it names (core/escalation/email.py's by_email, on the case as it then was, or as read when the
period did not change it) and referred to the case at once, as the worker's referral
row is. Each step's update is applied to the replayed ticket and its episode kept, so
the next decision sees what the worker's fresh read and its store would.
"""

import itertools
from dataclasses import replace
from datetime import datetime
from typing import Iterable

from ..escalation import email as escalation_email
from ..escalation.email import linked_update, named_cases
from ..escalation.recurring import RECURRING
from ..escalation.rules import Decision, Rules
from ..lifecycle import sequence
from ..lifecycle.close import closing
from ..lifecycle.episode import CLOSED, standing_of
from ..lifecycle.state_table import adopt
from ..lifecycle.transitions import Move, on_timer
from ..notification import Notification
from ..policy import Policy
from ..sla.history import clocks_at, moments
from ..sla.hours import Schedule
from ..sla.timers import Timer
from ..snapshot import TicketSnapshot, parse_time
from .findings import Finding, finding_of
from .recurring_runs import RecurringRuns
from .replayed import MomentKey, Replayed, TicketHistory
from .ticket_history import Change, apply_change, apply_update, notification_of, start_state
from .timeline import CHANGE, CLOCK, MOMENT, REFERRAL, TIMER, Item, Timeline


def replay(
    histories: Iterable[TicketHistory],
    policy: Policy,
    rules: Rules,
    until: datetime,
    account: Schedule | None = None,
    unchanged: dict[int, TicketSnapshot] | None = None,
) -> list[Finding]:
    """The updates the policy would have made to these tickets up to `until`, in order.

    `unchanged`: the cases the period's escalation emails name that it did not change, as read today.
    """
    return Replay(policy, rules, account, unchanged).run(histories, until)


def cases_to_read(histories: list[TicketHistory], policy: Policy) -> list[int]:
    """The cases the period's escalation emails may name that the exports do not hold (to read by id)."""
    if not policy.email.enabled:
        return []
    named = {
        case for h in histories if h.ticket.recipient in policy.addresses for case in named_cases(h.ticket, policy)
    }
    return sorted(named - {h.ticket.id for h in histories})


class Replay:
    """One timeline of every ticket: what happens next, in order, and what the service would have done."""

    def __init__(
        self,
        policy: Policy,
        rules: Rules,
        account: Schedule | None = None,
        unchanged: dict[int, TicketSnapshot] | None = None,
    ) -> None:
        self.policy, self.rules, self.account, self.unchanged = policy, rules, account, unchanged or {}
        self.timeline, self.episode_ids = Timeline(), itertools.count(1)
        self.planned: set[str] = set()  # every SLA timer planned: each acts once, as its inbox row does
        self.moments_run: set[MomentKey] = set()  # a moment acts once; one superseded before its time may be again
        self.tickets: dict[int, Replayed] = {}
        self.runs = RecurringRuns(policy)
        self.findings: list[Finding] = []

    def run(self, histories: Iterable[TicketHistory], until: datetime) -> list[Finding]:
        """Replay everything up to `until`; the findings in order."""
        for history in histories:
            state = start_state(history.ticket, history.changes)
            ticket = Replayed(history, state, priority_by_people=state.priority)
            self.tickets[ticket.id] = ticket
            self.runs.add(ticket)
            for change in history.changes:
                if not _by_us(change, self.policy):
                    self._push(change.at, CHANGE, ticket, change)
            for at in moments(history.clocks):
                self._push(at, CLOCK, ticket, None)
        while (entry := self.timeline.pop_until(until)) is not None:
            at, ticket_id, item = entry
            self._take(self.tickets[ticket_id], item, at)
        return sorted(self.findings, key=lambda f: (f.at, f.ticket_id))

    def _take(self, ticket: Replayed, item: Item, at: datetime) -> None:
        """One thing that happened to the ticket at `at`, then the timers and the runs it may lead to."""
        metrics, targets = clocks_at(ticket.history.clocks, at)
        ticket.state = replace(ticket.state, sla_metrics=metrics, sla_targets=targets)
        before = _incident(ticket)
        # What the item is tells its kind: a change, a referral, a timer, a moment (None: the clock changed).
        if isinstance(item, Change):
            self._change(ticket, item, at)
        elif isinstance(item, Notification) and item.referral is not None:  # the service's own: no comments
            if (
                not self._notified(ticket, replace(ticket.state, referrals=(item.referral,)), [item], at)
                and item.referral.kind == RECURRING
            ):
                self.runs.came_to_nothing(item.ticket_id, item.referral.data)
        elif isinstance(item, Timer):
            self._timers(ticket, [item] + self.timeline.timers_also_due(at, ticket.id), at)
        elif isinstance(item, tuple):
            self._moment(ticket, item, at)
        self._plan(ticket, at)
        if self.policy.recurring.enabled and (
            (isinstance(item, Change) and item.created) or _incident(ticket) != before
        ):
            for newest, note in self.runs.to_refer(ticket, before[0], at, self.tickets):
                self._push(at, REFERRAL, self.tickets[newest], note)

    def _change(self, ticket: Replayed, change: Change, at: datetime) -> None:
        ticket.state = apply_change(ticket.state, change)
        if any(f.name == "priority" for f in change.fields):  # a person's (or another tool's) change
            ticket.priority_by_people = ticket.state.priority
        spoken = [parse_time(c.created_at) or change.at for c in change.comments if c.public and not c.by_customer]
        ticket.last_update = max(spoken + ([ticket.last_update] if ticket.last_update else []), default=None)
        self._notified(ticket, ticket.state, [notification_of(change, ticket.state, self.policy)], at)
        ticket.state = replace(ticket.state, new_comments=())  # examined: the worker's comment mark moves on

    def _notified(self, ticket: Replayed, state: TicketSnapshot, notes: list[Notification], at: datetime) -> bool:
        """Decide on the notifications and carry the step out; whether there was one."""
        step = sequence.on_notifications(
            state, notes, ticket.episode, self.policy, self.rules, at, lambda named: self._case(named, at)
        )
        if step.case_id is not None:
            self._link(ticket, step.case_id, at)
        self._carry_out(ticket, step.move, step.decision, at)
        return step.move is not None or step.case_id is not None

    def _case(self, case_id: int, at: datetime) -> TicketSnapshot | str:
        """A case an escalation email names, as it was at `at`, or why there is none."""
        if case_id not in self.tickets and case_id in self.unchanged:
            self.tickets[case_id] = Replayed(TicketHistory(self.unchanged[case_id]), self.unchanged[case_id])
        case = self.tickets.get(case_id)
        if case is None or (case.state.created_at is not None and case.state.created_at > at):
            return f"#{case_id} does not exist"
        return case.state

    def _link(self, email: Replayed, case_id: int, at: datetime) -> None:
        """The email's ticket is linked (and solved, or merged later); the case is referred the email at once."""
        solve = self.policy.email.after_linking != "merge"
        self._push(at, REFERRAL, self.tickets[case_id], escalation_email.referral(case_id, email.state))
        email.state = apply_update(email.state, linked_update(email.state, case_id, self.policy, solve))

    def _timers(self, ticket: Replayed, timers: list[Timer], at: datetime) -> None:
        """SLA timers at their moment, unless superseded, re-checked on the ticket and its episode as they then
        were; the most serious speaks (after a Zendesk close or an agent's de-escalation, which come first)."""
        timers = [t for t in timers if t.key in ticket.timers]
        due = (
            sequence.timer_due(timers, ticket.state, ticket.episode, self.policy, self.account, at) if timers else None
        )
        if isinstance(due, Timer):
            step = sequence.on_timer(due, ticket.state, ticket.episode, self.policy, self.account, at)
            if not isinstance(step, str):
                self._carry_out(ticket, step.move, step.decision, at, due)

    def _moment(self, ticket: Replayed, key: MomentKey, at: datetime) -> None:
        """A lifecycle moment, unless a later step superseded it or the escalation moved on."""
        kind, _, episode_id, _ = key
        episode = ticket.episode
        if key not in ticket.moments or episode is None or episode.id != episode_id or episode.state == CLOSED:
            return
        ticket.moments.discard(key)
        self.moments_run.add(key)
        move = on_timer(kind, ticket.state, episode, self.policy, at, lambda: ticket.last_update)
        self._carry_out(ticket, move, None, at)

    def _carry_out(
        self, ticket: Replayed, move: Move | None, decision: Decision | None, at: datetime, timer: Timer | None = None
    ) -> None:
        """Record the step, apply its update to the ticket, keep its episode and its moments."""
        if move is None:
            return
        before = standing_of(adopt(ticket.state, ticket.episode, self.policy, at))
        finding = finding_of(ticket.state, before, move, decision, at, timer)
        if finding is not None:
            self.findings.append(finding)
        # A close's review needs the ticket's audits: its text is left out, its fields and tags are not.
        update = move.update
        if move.needs_review:
            assert move.episode is not None  # a close's
            update = closing(ticket.state, move.episode, "", self.policy)
        if update:
            ticket.state = apply_update(ticket.state, update)
        episode = move.episode
        if episode is None:
            return
        ticket.episode = episode = episode if episode.id is not None else replace(episode, id=next(self.episode_ids))
        keys = {(kind, ticket.id, episode.id, moment) for kind, moment in move.watch if moment is not None}
        if episode.state == CLOSED or keys:
            ticket.moments &= keys
        for key in keys - ticket.moments - self.moments_run:
            ticket.moments.add(key)
            self._push(max(key[3], at), MOMENT, ticket, key)

    def _plan(self, ticket: Replayed, at: datetime) -> None:
        """The ticket's timers as the feed plans them on its read; a timer no longer planned is superseded."""
        planned = sequence.plan(ticket.state, self.policy, at, self.account)
        # One due by now is past superseding: the worker holds its row already (the feed reads a minute late).
        due = {key: moment for key, moment in ticket.timers.items() if moment <= at}
        ticket.timers = due | {timer.key: timer.fire_at for timer in planned}
        for timer in planned:
            if timer.key not in self.planned:
                self.planned.add(timer.key)
                self._push(max(timer.fire_at, at), TIMER, ticket, timer)

    def _push(self, at: datetime, kind: int, ticket: Replayed, item: Item) -> None:
        self.timeline.push(at, kind, ticket.id, item)


def _incident(ticket: Replayed) -> tuple[int | None, str | None]:
    """What the recurring check sees of a ticket."""
    return ticket.state.organization_id, ticket.priority_by_people


def _by_us(change: Change, policy: Policy) -> bool:
    """The service's own updates are left out: the policy under test stands in for them."""
    return policy.integration_user_id is not None and change.actor_id == policy.integration_user_id
