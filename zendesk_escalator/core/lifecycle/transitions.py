"""What each lifecycle step does to the ticket (pure): the one update, the record after it, the moments to watch."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Callable, cast

from ..escalation.plan import build_update, lifecycle_update, priority_after
from ..escalation.rules import Decision
from ..policy import Policy
from ..sla.hours import Schedule
from ..snapshot import TicketSnapshot
from ..text.checklist import missing_lines, render_customer_request, render_note
from ..wording import span, utc
from .communication_plan import plan_lines, update_due
from .episode import (
    ACTIVE,
    CLOSED,
    DEESCALATED,
    MONITORED,
    MONITORING,
    REFUSED,
    REOPENED,
    SOLVED,
    UNSOLVED,
    Episode,
    agreement,
    escalated,
)
from .request_checks import checklist_for
from .state_table import (
    ADOPTED,
    CLOSED_IN_ZENDESK,
    DEESCALATE,
    RULES_THEN_MONITOR,
    RULES_THEN_REOPEN,
    just_adopted,
    row,
)

MONITORING_END, UPDATE_DUE = "monitoring_end", "update_due"


@dataclass(frozen=True)
class Move:
    """One lifecycle step: the update to send (None: none), the episode after it, the moments to watch."""

    cause: str
    update: dict[str, Any] | None
    episode: Episode | None
    watch: tuple[tuple[str, datetime], ...] = ()
    needs_review: bool = False  # a close: the review needs the ticket's audits before the update is built
    reply: str | None = None  # a public reply to send after the update (the checklist's missing items)


def before_rules(ticket: TicketSnapshot, episode: Episode | None, policy: Policy, now: datetime) -> Move | None:
    """The step taken before (and instead of) any rule: Zendesk closed the ticket, or an agent de-escalates."""
    found = row(ticket, episode, policy)
    if found == CLOSED_IN_ZENDESK:
        assert episode is not None  # the row of an open episode
        closed = episode.moved(now, CLOSED, CLOSED_IN_ZENDESK, "Zendesk closed the ticket")
        return Move(CLOSED_IN_ZENDESK, None, closed, needs_review=True)
    if found == DEESCALATE:
        assert episode is not None  # the row of an open episode
        return _deescalate(ticket, episode, policy, now)
    return None


def on_ticket(
    ticket: TicketSnapshot,
    episode: Episode | None,
    decision: Decision | None,
    policy: Policy,
    now: datetime,
    schedules: dict[str, Schedule] | None = None,
) -> Move | None:
    """The step this ticket asks for now (the state table's row, lifecycle/state_table.py): escalate, acknowledge,
    monitor, re-escalate, de-escalate, close, keep an adopted escalation's record, or nothing."""
    first = before_rules(ticket, episode, policy, now)
    if first is not None:
        return first
    if decision is not None and not decision.acknowledge_only:
        return _escalate(ticket, episode, decision, policy, now, schedules)
    if decision is not None:
        assert episode is not None  # a rule acknowledges only a request on an open escalation
        return Move("acknowledged", build_update(ticket, decision, policy, episode.mirror), episode)
    found = row(ticket, episode, policy)
    if found == RULES_THEN_MONITOR:
        assert episode is not None  # the row of an open episode
        return _monitor(ticket, episode, policy, now)
    if found == RULES_THEN_REOPEN:
        assert episode is not None  # the row of an open episode
        return _reopen(ticket, episode, policy, now, schedules)
    return Move(ADOPTED, None, episode) if just_adopted(episode) else None


def monitoring_ended(ticket: TicketSnapshot, episode: Episode, now: datetime) -> Episode | None:
    """The episode closed after a quiet monitoring period (None: it is not monitoring any more)."""
    if episode.state != MONITORING or ticket.status in UNSOLVED:
        return None
    return episode.moved(now, CLOSED, MONITORED, "monitoring ended without recurrence")


def on_timer(
    kind: str,
    ticket: TicketSnapshot,
    episode: Episode,
    policy: Policy,
    now: datetime,
    last_update: Callable[[], datetime | None],
) -> Move | None:
    """The step a lifecycle moment asks for: the close after quiet monitoring, or a reminder when an update is due.

    `last_update` gives when an agent last wrote publicly; it is asked only for a reminder (a read).
    A change no webhook told of (solved, reopened, a de-escalation) is taken first: the timer's read saw it.
    """
    missed = on_ticket(ticket, episode, None, policy, now)
    if missed is not None:
        return missed
    if kind == MONITORING_END:
        closed = monitoring_ended(ticket, episode, now)
        return Move("closed", None, closed, needs_review=True) if closed else None
    if kind == UPDATE_DUE:
        return reminder(ticket, episode, last_update(), policy, now)
    raise LookupError(f"no lifecycle timer of kind {kind!r}")


def reminder(
    ticket: TicketSnapshot,
    episode: Episode,
    last_update: datetime | None,
    policy: Policy,
    now: datetime,
    schedules: dict[str, Schedule] | None = None,
) -> Move:
    """An update fell due: nothing when the customer heard from us in time; else a reminder (and a level)."""
    since = max(filter(None, (last_update, episode.history[-1].at if episode.history else None)), default=now)
    due = update_due(since, ticket, policy, schedules)
    if due is None or due > now or episode.state != ACTIVE:
        return Move("on_plan", None, episode, ((UPDATE_DUE, due),) if due and episode.state == ACTIVE else ())
    missed = episode.missed_updates + 1
    raise_level = missed >= policy.lifecycle.missed_updates
    # Up to the highest level the policy names (beyond it no one more is told); without levels, one up.
    top = max((lvl.level for lvl in policy.levels), default=episode.level + 1)
    level = max(episode.level, min(episode.level + 1, top)) if raise_level else episode.level
    moved = replace(
        episode.moved(now, ACTIVE, "reminder", f"update missed ({missed})", level),
        missed_updates=0 if raise_level else missed,
    )
    followers = policy.level(level).followers + ((episode.owner_id,) if episode.owner_id else ())
    raised = (
        f" {missed} missed in a row: escalated to level {level}."
        if level > episode.level
        else f" {missed} missed in a row; level {level} is the highest already."
    )
    note = (
        f"Communication plan: no public update to the customer since {utc(since)} "
        f"({span(now - since)}); an update was due by {utc(due)}." + (raised if raise_level else "")
    )
    update = lifecycle_update(ticket, policy, moved.mirror, note, followers)
    # Due above, so due again: the same ticket's cadence.
    next_due = cast(datetime, update_due(now, ticket, policy, schedules))
    return Move("reminder", update, moved, ((UPDATE_DUE, next_due),))


def _escalate(
    ticket: TicketSnapshot,
    episode: Episode | None,
    decision: Decision,
    policy: Policy,
    now: datetime,
    schedules: dict[str, Schedule] | None,
) -> Move:
    checklist = checklist_for(decision, ticket, policy)
    if checklist is not None:
        decision = replace(decision, notes=decision.notes + (render_note(checklist),))
    reply = render_customer_request(checklist) if checklist and policy.checklist.ask_customer else None
    moved = escalated(episode, decision, ticket, policy, now)
    if checklist is not None:  # kept on the record: the sidebar app shows it (the note alone would bury it)
        moved = replace(moved, missing=missing_lines(checklist))
    raised = replace(ticket, priority=priority_after(ticket, decision))  # the cadence follows the new priority
    due = None
    if policy.lifecycle.enabled:  # the owner and the communication plan
        decision = replace(
            decision,
            notes=decision.notes + plan_lines(moved, raised, policy, now, schedules),
            followers=decision.followers + ((moved.owner_id,) if moved.owner_id else ()),
        )
        due = update_due(now, raised, policy, schedules)
    return Move(
        moved.history[-1].cause,
        build_update(ticket, decision, policy, moved.mirror),
        moved,
        ((UPDATE_DUE, due),) if due else (),
        reply=reply,
    )


def _monitor(ticket: TicketSnapshot, episode: Episode, policy: Policy, now: datetime) -> Move:
    until = now + policy.lifecycle.monitoring
    moved = episode.moved(now, MONITORING, SOLVED, f"monitoring until {utc(until)}")
    note = (
        f"Escalation monitoring: the ticket is solved; if the problem recurs (a reply from the customer "
        f"reopens it) it is re-escalated; otherwise the escalation closes with a review on {utc(until)}."
    )
    update = lifecycle_update(ticket, policy, moved.mirror, note)
    return Move(SOLVED, update, moved, ((MONITORING_END, until),))


def _reopen(
    ticket: TicketSnapshot, episode: Episode, policy: Policy, now: datetime, schedules: dict[str, Schedule] | None
) -> Move:
    level = episode.level + 1 if policy.lifecycle.reopen_raises_level else episode.level
    moved = episode.moved(now, ACTIVE, REOPENED, "the problem recurred while monitoring", level, episode.latest_reason)
    followers = policy.level(level).followers + ((episode.owner_id,) if episode.owner_id else ())
    note = "\n".join(
        (
            f"Re-escalated: the ticket was reopened during monitoring (the problem recurred). "
            f"Level {level}, reason {moved.latest_reason}.",
            *plan_lines(moved, ticket, policy, now, schedules),
        )
    )
    update = lifecycle_update(ticket, policy, moved.mirror, note, followers)
    due = update_due(now, ticket, policy, schedules)
    return Move(REOPENED, update, moved, ((UPDATE_DUE, due),) if due else ())


def _deescalate(ticket: TicketSnapshot, episode: Episode, policy: Policy, now: datetime) -> Move:
    found = agreement(ticket, policy)
    if found:
        return Move(DEESCALATED, None, episode.moved(now, CLOSED, DEESCALATED, found), needs_review=True)
    phrases = ", ".join(f'"{p}"' for p in policy.lifecycle.agreement_phrases[:3])
    note = (
        f"{REFUSED} it needs an internal note from the agent recording the customer's "
        f"agreement (e.g. {phrases}). Add that note and ask again; nothing else changed."
    )
    consumed = frozenset({policy.lifecycle.deescalate_tag})
    update = lifecycle_update(ticket, policy, episode.mirror, note, consumed=consumed)
    return Move("deescalation_refused", update, episode)
