"""SLA timers: planned from tickets read by the feed or the sweep; acted on when due, after a re-check.

The timers of one clock minute are due together, LOOKAHEAD before that minute
starts: one claim (timers of up to BATCH tickets) and one read (show_many, 100
tickets a call) re-check them all, so the re-check costs about one request a
minute however many moments fall in it. Were each row due LOOKAHEAD before its
own moment, moments seconds apart would be claimed apart, each with its own read.
Each still-valid timer then acts at its moment exactly, in the order of the
moments, through the one-PUT path; the update carries safe_update, so an agent's
reply in between answers 409 and the ticket is read again before anything is sent.
"""

import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Callable, Protocol

from ..core.kinds import TIMER
from ..core.lifecycle import sequence
from ..core.lifecycle.episode import Episode
from ..core.policy import Policy
from ..core.sla.hours import Schedule
from ..core.sla.timers import Timer, awaits_account_schedule
from ..core.snapshot import TicketSnapshot
from ..core.snapshot_api import ticket_from_api, tickets_from_api
from ..errors import TicketNotFound, ZendeskConflict, ZendeskError
from ..store.inbox import Inbox
from ..store.rows import InboxRow
from ..zendesk.reader import SHOW_MANY, SLA_SIDELOADS, TARGET_SIDELOADS
from .handlers import Handled, Outcome
from .lifecycle import Lifecycle
from .ports import Reader, Writer

log = logging.getLogger(__name__)
# A minute's batch is claimed this long before the minute: time for the claim and the read, while the
# worker thread it holds (sleeping until each moment) stays at most LOOKAHEAD + 60 s away from webhooks.
LOOKAHEAD = timedelta(seconds=30)
_AT_ONCE = datetime.min.replace(tzinfo=timezone.utc)  # an outcome without a timer: nothing to wait for


def sideloads(policy: Policy) -> str:
    """What to read with each ticket: the SLA clock, replies, and the targets when stages need them."""
    return TARGET_SIDELOADS if policy.sla.stages else SLA_SIDELOADS


def due_at(fire_at: datetime) -> datetime:
    """When a timer's row falls due: LOOKAHEAD before the start of its moment's minute."""
    return fire_at.replace(second=0, microsecond=0) - LOOKAHEAD


class AccountSchedule(Protocol):
    def __call__(self) -> Schedule | None:
        """The account's Zendesk schedule, None while it is not known."""

    def wait(self, ticket_ids: list[int], now: float) -> None:
        """Remember tickets to plan again once the schedule is known."""

    def planned(self, ticket_ids: list[int]) -> None:
        """These tickets wait no more."""


class TimerPlanner:
    """Turns tickets as just read into timer rows: new plans stored, changed plans superseded."""

    def __init__(
        self, inbox: Inbox, policy: Policy, clock: Callable[[], datetime], account: AccountSchedule | None = None
    ):
        self.inbox, self.policy, self.clock, self.account = inbox, policy, clock, account

    def plan(self, tickets: dict[int, TicketSnapshot]) -> int:
        """Store the timers these tickets need now; return how many were new.

        A ticket whose timers count in the account's schedule, not known yet, is
        remembered for the schedule job to plan when it keeps the schedule.
        """
        now, account = self.clock(), self.account() if self.account else None
        new = self._store(tickets, now, account)
        if account is None and self.account is not None:
            new += self._wait_for_schedule(tickets, now)
        return new

    def _wait_for_schedule(self, tickets: dict[int, TicketSnapshot], now: datetime) -> int:
        waiting = [tid for tid, ticket in tickets.items() if awaits_account_schedule(ticket, self.policy, now)]
        if not waiting:
            return 0
        assert self.account is not None, "tickets wait for the schedule only with an account's"
        self.account.wait(waiting, now.timestamp())
        # The schedule job may have kept the schedule, and planned the tickets waiting then, since it was
        # looked up: these would wait for its next run. Plan them now (planned twice is planned once).
        if (account := self.account()) is None:
            return 0
        self.account.planned(waiting)
        return self._store({tid: tickets[tid] for tid in waiting}, now, account)

    def _store(self, tickets: dict[int, TicketSnapshot], now: datetime, account: Schedule | None) -> int:
        timers = [t for ticket in tickets.values() for t in sequence.plan(ticket, self.policy, now, account)]
        rows = [
            {
                "kind": TIMER,
                "dedupe_key": t.key,
                "ticket_id": t.ticket_id,
                "payload": t.to_payload(),
                "run_at": max(now, due_at(t.fire_at)).timestamp(),
            }
            for t in timers
        ]
        new = self.inbox.schedule(rows, now.timestamp())
        self.inbox.supersede(TIMER, list(tickets), {t.key for t in timers}, now.timestamp())
        return new


class TimerHandler:
    """Re-checks due timers together and acts on those still valid, each at its moment."""

    def __init__(
        self,
        reader: Reader,
        writer: Writer,
        policy: Policy,
        clock: Callable[[], datetime],
        sleep: Callable[[float], None] = time.sleep,
        dry_run: bool = False,
        account: Callable[[], Schedule | None] = lambda: None,
        lifecycle: Lifecycle | None = None,
    ):
        self.reader, self.writer, self.policy = reader, writer, policy
        self.clock, self.sleep, self.dry_run, self.account = clock, sleep, dry_run, account
        self.lifecycle = lifecycle

    def handle(self, rows: list[InboxRow]) -> list[Handled]:
        """Handle the claimed timer rows of many tickets; one result per ticket."""
        by_ticket: dict[int, list[InboxRow]] = defaultdict(list)
        for row in rows:
            by_ticket[row.ticket_id].append(row)
        read = self._read(list(by_ticket))
        chosen = {tid: self._choose(rows, read.get(tid)) for tid, rows in by_ticket.items()}
        # A minute's moments are acted on one after the other: each in turn, at its own moment.
        order = sorted(chosen, key=lambda tid: _moment(chosen[tid]))
        return [(by_ticket[tid], self._ticket(chosen[tid], read.get(tid))) for tid in order]

    def _read(self, ticket_ids: list[int]) -> dict[int, TicketSnapshot]:
        found: dict[int, TicketSnapshot] = {}
        for start in range(0, len(ticket_ids), SHOW_MANY):
            found.update(
                tickets_from_api(self.reader.tickets(ticket_ids[start : start + SHOW_MANY], sideloads(self.policy)))
            )
        return found

    def _choose(self, rows: list[InboxRow], ticket: TicketSnapshot | None) -> "Timer | Outcome":
        """The timer that acts on this ticket, or why none does."""
        if ticket is None:
            return Outcome("ticket_gone", f"ticket {rows[0].ticket_id} was not found")
        timers = [Timer.from_payload(row.payload) for row in rows]
        # Several due at once (a ticket seen late): the most serious alone speaks.
        due = sequence.timer_due(timers, ticket, self._episode(ticket.id), self.policy, self.account(), self.clock())
        return due if isinstance(due, Timer) else Outcome("stale", due)

    def _ticket(self, timer: "Timer | Outcome", ticket: TicketSnapshot | None) -> "Outcome | Exception":
        if isinstance(timer, Outcome):
            return timer
        wait = (timer.fire_at - self.clock()).total_seconds()
        if wait > 0:
            self.sleep(wait)  # at most LOOKAHEAD + 60 s: the rows' leases are renewed meanwhile
        assert ticket is not None, "a timer is chosen only on a ticket read"
        try:
            return self._act(timer, ticket)
        except TicketNotFound:
            return Outcome("ticket_gone", f"ticket {timer.ticket_id} no longer exists")
        except ZendeskError as error:
            return error

    def _act(self, timer: Timer, ticket: TicketSnapshot) -> Outcome:
        for _ in range(3):  # a 409 means someone changed the ticket: read it again, re-check, re-decide
            step = sequence.on_timer(
                timer, ticket, self._episode(ticket.id), self.policy, self.account(), self.clock()
            )  # an agent's de-escalation comes first
            if isinstance(step, str):
                return Outcome("stale", step)
            move, decision = step.move, step.decision
            assert move is not None, "a fresh timer always decides (decide_timer), and a decision always moves"
            try:
                # Without the lifecycle (tests), a close's update is None: apply would fail on it (kept as it is).
                sent = (
                    self.lifecycle.carry_out(move, ticket) if self.lifecycle else self.writer.apply(move.update)  # type: ignore[arg-type]
                )
            except ZendeskConflict as error:
                log.info(
                    "ticket %s changed before its %s (%s): reading it again", timer.ticket_id, timer.kind, error.status
                )
                ticket = ticket_from_api(self.reader.ticket(timer.ticket_id, include=sideloads(self.policy)))
                continue
            if decision is None:
                return Outcome(
                    move.cause, f"{timer.kind} ({timer.stage}): {move.cause} first", "lifecycle", update=sent
                )
            status = "planned" if self.dry_run else "escalated"
            return Outcome(
                status,
                f"{timer.kind} ({timer.stage}) at level {decision.level}",
                decision.rule,
                decision.evidence,
                sent,
                metric=timer.metric,
                escalation=step.escalation,
            )
        raise ZendeskConflict(f"ticket {timer.ticket_id} kept changing", 409)

    def _episode(self, ticket_id: int) -> Episode | None:
        """The ticket's episode (a free DB read; the sequence adopts what the mirror shows without one)."""
        return self.lifecycle.current(ticket_id) if self.lifecycle else None


def _moment(choice: Timer | Outcome) -> datetime:
    """When a choice acts: a timer at its moment, an outcome at once (the sort key of a minute's batch)."""
    return choice.fire_at if isinstance(choice, Timer) else _AT_ONCE
