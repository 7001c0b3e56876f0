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

import heapq
import itertools
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Iterable

from ..escalation import email as escalation_email
from ..escalation.email import linked_update, named_cases
from ..escalation.recurring import RECURRING, Incident, referral, run_key, to_refer
from ..escalation.rules import Decision, Rules
from ..lifecycle import sequence
from ..lifecycle.episode import CLOSED, Episode, standing_of
from ..lifecycle.state_table import adopt
from ..lifecycle.transitions import Move, closing, on_timer
from ..notification import Notification
from ..policy import Policy
from ..sla.history import MetricHistory, clocks_at, moments
from ..sla.hours import Schedule
from ..sla.timers import Timer
from ..snapshot import TicketSnapshot, parse_time
from .findings import Finding, finding_of
from .ticket_history import Change, apply_change, apply_update, notification_of, start_state

# At one moment: changes first, then the referrals they lead to, the clock, SLA timers, lifecycle moments.
CHANGE, REFERRAL, CLOCK, TIMER, MOMENT = range(5)


@dataclass
class TicketHistory:
    """What the exports tell of one ticket: today's state, its changes, its SLA clock."""

    ticket: TicketSnapshot
    changes: list[Change] = field(default_factory=list)
    clocks: list[MetricHistory] = field(default_factory=list)
    subject: str = ""  # today's: a recurring run's evidence lists it


@dataclass
class Replayed:
    """One ticket as the replay has it now: the ticket, its episode, its pending lifecycle moments."""

    history: TicketHistory
    state: TicketSnapshot
    episode: Episode | None = None
    priority_by_people: str | None = None  # what the recurring check counts: the replay's own raises left out
    last_update: datetime | None = None  # the latest public comment by an agent: what a reminder reads
    moments: set = field(default_factory=set)  # a later step supersedes them, as it does the inbox rows
    timers: dict = field(default_factory=dict)  # key -> moment of the SLA timers planned: others are superseded

    @property
    def id(self) -> int:
        """The ticket's id."""
        return self.history.ticket.id


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
    ):
        self.policy, self.rules, self.account, self.unchanged = policy, rules, account, unchanged or {}
        self.queue: list = []
        self.order, self.episode_ids = itertools.count(), itertools.count(1)
        self.planned: set = set()  # every SLA timer planned: each acts once, as its inbox row does
        self.moments_run: set = set()  # a moment acts once; one superseded before its time may be planned again
        self.referred: dict[int, tuple[datetime, str]] = {}  # an organization's last run referred: when, its key
        self.tickets: dict[int, Replayed] = {}
        self.organizations: dict[int | None, set[int]] = defaultdict(set)  # the recurring check looks at one
        self.findings: list[Finding] = []

    def run(self, histories: Iterable[TicketHistory], until: datetime) -> list[Finding]:
        """Replay everything up to `until`; the findings in order."""
        for history in histories:
            state = start_state(history.ticket, history.changes)
            ticket = Replayed(history, state, priority_by_people=state.priority)
            self.tickets[ticket.id] = ticket
            self.organizations[ticket.state.organization_id].add(ticket.id)
            for change in history.changes:
                if not _by_us(change, self.policy):
                    self._push(change.at, CHANGE, ticket, change)
            for at in moments(history.clocks):
                self._push(at, CLOCK, ticket, None)
        while self.queue and self.queue[0][0] <= until:
            at, kind, ticket_id, _, item = heapq.heappop(self.queue)
            self._take(self.tickets[ticket_id], kind, item, at)
        return sorted(self.findings, key=lambda f: (f.at, f.ticket_id))

    def _take(self, ticket: Replayed, kind: int, item, at: datetime) -> None:
        """One thing that happened to the ticket at `at`, then the timers and the runs it may lead to."""
        metrics, targets = clocks_at(ticket.history.clocks, at)
        ticket.state = replace(ticket.state, sla_metrics=metrics, sla_targets=targets)
        before = _incident(ticket)
        if kind == CHANGE:
            self._change(ticket, item, at)
        elif kind == REFERRAL:  # the service's own notification: no comments, the run with the ticket
            if (
                not self._notified(ticket, replace(ticket.state, referrals=(item.referral,)), [item], at)
                and item.referral.kind == RECURRING
            ):
                self._came_to_nothing(item)
        elif kind == TIMER:
            self._timers(ticket, [item] + self._also_due(ticket, at), at)
        elif kind == MOMENT:
            self._moment(ticket, item, at)
        self._plan(ticket, at)
        if self.policy.recurring.enabled and ((kind == CHANGE and item.created) or _incident(ticket) != before):
            self._refer_runs(ticket, before[0], at)

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

    def _moment(self, ticket: Replayed, key: tuple, at: datetime) -> None:
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
        update = closing(ticket.state, move.episode, "", self.policy) if move.needs_review else move.update
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

    def _refer_runs(self, ticket: Replayed, was_in: int | None, at: datetime) -> None:
        """The recurring check as of `at`, for the changed ticket's organization (no other run can be new)."""
        organization_id = ticket.state.organization_id
        self.organizations[was_in].discard(ticket.id)
        self.organizations[organization_id].add(ticket.id)
        if not organization_id:  # a ticket without one is in no run
            return
        members = (self.tickets[ticket_id] for ticket_id in self.organizations[organization_id])
        incidents = [
            Incident(t.id, organization_id, t.priority_by_people, t.state.created_at, t.history.subject)
            for t in members
            if t.priority_by_people and t.state.created_at and t.state.created_at <= at
        ]
        for run in to_refer(
            incidents,
            self.policy,
            at,
            lambda org: self.referred.get(org, (None,))[0],
            lambda ticket_id: _in_escalation(self.tickets[ticket_id].episode),
        ):
            self.referred[organization_id] = (at, run_key(organization_id, run[-1].id))
            self._push(at, REFERRAL, self.tickets[run[-1].id], referral(run))

    def _came_to_nothing(self, note: Notification) -> None:
        """A run whose newest ticket moved on before its turn: the organization's next run is a new one."""
        organization_id = note.referral.data.get("organization_id")
        if self.referred.get(organization_id, (None, None))[1] == run_key(organization_id, note.ticket_id):
            del self.referred[organization_id]

    def _also_due(self, ticket: Replayed, at: datetime) -> list[Timer]:
        """The ticket's other timers of the same moment: the handler takes them together."""
        due = []
        while self.queue and self.queue[0][:3] == (at, TIMER, ticket.id):
            due.append(heapq.heappop(self.queue)[4])
        return due

    def _push(self, at: datetime, kind: int, ticket: Replayed, item) -> None:
        heapq.heappush(self.queue, (at, kind, ticket.id, next(self.order), item))


def _incident(ticket: Replayed) -> tuple:
    """What the recurring check sees of a ticket."""
    return ticket.state.organization_id, ticket.priority_by_people


def _in_escalation(episode: Episode | None) -> bool:
    return episode is not None and episode.state != CLOSED


def _by_us(change: Change, policy: Policy) -> bool:
    """The service's own updates are left out: the policy under test stands in for them."""
    return policy.integration_user_id is not None and change.actor_id == policy.integration_user_id
