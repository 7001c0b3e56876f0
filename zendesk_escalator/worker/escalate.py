"""A ticket's notifications through core/lifecycle/sequence.py's steps (screen, read what matters, decide): ONE update.

Reads cost rate limit, so they are staged: nothing when the webhooks' hints
rule every rule out; the new comments alone when only comments can bring the
evidence (a customer's reply without the escalation address costs one read);
the ticket only when a decision may follow.
"""

import logging
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable

from ..core.escalation.rules import Rules
from ..core.lifecycle import sequence
from ..core.lifecycle.episode import Episode
from ..core.lifecycle.transitions import Move
from ..core.notification import Notification
from ..core.policy import Policy
from ..core.snapshot import Comment, TicketSnapshot, new_since, parse_time
from ..core.snapshot_api import comments_from_api, ticket_from_api
from ..errors import TicketNotFound, ZendeskConflict, ZendeskRejected
from ..store.rows import InboxRow
from .email import EmailLinker
from .handlers import Outcome
from .lifecycle import Lifecycle
from .ports import JsonObject, TicketSource, Writer

log = logging.getLogger(__name__)
CONFLICT_ROUNDS = 3  # a 409 means "re-read and re-decide", a few times before backing off
NOTE_DROPPED = (
    "the internal note was left out: Zendesk refused a new comment (422; a ticket holds at most 5,000 comments)"
)
COMMENT_FIELDS = frozenset({"base", "comment", "comments"})


class CommentLimitWriter:
    """A writer that sends an update once more without its note when only the note is refused.

    A ticket at Zendesk's 5,000-comment limit answers 422 to any update that adds
    a comment, and takes every other change: the escalation goes out, the outcome
    says the note was left out.
    """

    def __init__(self, writer: Writer):
        self.writer = writer
        self.warnings: list[str] = []

    def apply(self, update: JsonObject) -> JsonObject:
        """Send the update; without its note if only the note is refused."""
        try:
            return self.writer.apply(update)
        except ZendeskRejected as error:
            if error.status != 422 or "comment" not in update or _names_other_fields(error.body):
                raise
            log.warning("ticket %s: update refused with its note (%s); sending it without", update["id"], error)
            self.warnings.append(NOTE_DROPPED)
            return self.writer.apply({key: value for key, value in update.items() if key != "comment"})

    def merge(self, target_id: int, source_id: int, target_comment: str, source_comment: str) -> JsonObject:
        """Merge tickets (no note of ours to leave out)."""
        return self.writer.merge(target_id, source_id, target_comment, source_comment)

    def create_ticket(self, ticket: JsonObject, idempotency_key: str) -> tuple[JsonObject, bool]:
        """Create a ticket (its first comment is the whole point: nothing to leave out)."""
        return self.writer.create_ticket(ticket, idempotency_key)

    def tag_closed(self, update: JsonObject) -> JsonObject:
        """Set a closed ticket's tags (no note to leave out)."""
        return self.writer.tag_closed(update)


class NotificationHandler:
    """Turns a ticket's notifications into at most one ticket update (one lifecycle step)."""

    def __init__(
        self,
        reader: TicketSource,
        writer: Writer,
        policy: Policy,
        rules: Rules,
        clock: Callable[[], datetime],
        marks: Callable[[int], int | None] = lambda _: None,
        dry_run: bool = False,
        lifecycle: Lifecycle | None = None,
        emails: EmailLinker | None = None,
    ):
        self.reader, self.policy, self.rules = reader, policy, rules
        self.writer = writer if isinstance(writer, CommentLimitWriter) else CommentLimitWriter(writer)
        self.clock, self.marks, self.dry_run, self.lifecycle, self.emails = clock, marks, dry_run, lifecycle, emails

    def handle(self, rows: list[InboxRow]) -> Outcome:
        """Handle claimed notification rows of one ticket."""
        notes = [Notification.from_dict(row.payload, row.created_at) for row in rows]
        return self.process(notes, self.marks(rows[0].ticket_id))

    def process(self, notes: list[Notification], comment_mark: int | None = None) -> Outcome:
        """Handle the notifications of one ticket (coalesced) and return the outcome."""
        relevant = [note for note in notes if not self._made_by_us(note)]
        if not relevant:
            return Outcome("ignored", "update made by the integration user (0 API calls)")
        ticket_id = relevant[-1].ticket_id
        episode = self.lifecycle.current(ticket_id) if self.lifecycle else None  # the truth: a free DB read
        needs = sequence.screen(relevant, episode, self.policy, self.rules)
        if not needs:
            return Outcome("screened", "no rule can fire on these changes (0 API calls)")
        try:
            return self._escalate(ticket_id, relevant, needs, comment_mark, episode)
        except TicketNotFound:
            return Outcome("ticket_gone", f"ticket {ticket_id} no longer exists")

    def _escalate(
        self,
        ticket_id: int,
        notes: list[Notification],
        needs: dict[str, frozenset[str]],
        mark: int | None,
        episode: Episode | None,
    ) -> Outcome:
        new: tuple[Comment, ...] = ()
        newest = None
        if sequence.read_comments(needs):
            comments = comments_from_api(self.reader.comments(ticket_id))
            new, newest = new_since(comments, mark, _since(notes), _announced(notes)), comments.newest_id
            if not sequence.comments_matter(needs, new, notes, self.policy, self.rules):
                return Outcome("no_action", f"{len(new)} new comment(s), no evidence in them", comment_mark=newest)
        for round_ in range(1, CONFLICT_ROUNDS + 1):
            ticket = replace(
                ticket_from_api(self.reader.ticket(ticket_id, notes[-1]), new),
                referrals=tuple(note.referral for note in notes if note.referral),
            )
            try:
                return replace(self._step(ticket, episode), comment_mark=newest)
            except ZendeskConflict as error:  # a 409, or a ticket Zendesk closed since the read
                log.info("ticket %s changed under us (%s), re-reading (round %d)", ticket_id, error.status, round_)
        raise ZendeskConflict(f"ticket {ticket_id} kept changing during {CONFLICT_ROUNDS} rounds", 409)

    def _step(self, ticket: TicketSnapshot, episode: Episode | None) -> Outcome:
        """Take the state table's step on the ticket as read and carry it out (ZendeskConflict: read again)."""
        read_case = self.emails.read if self.emails is not None else None
        step = sequence.decide(ticket, episode, self.policy, self.rules, self.clock(), read_case)
        if step.case_id is not None:
            assert self.emails is not None, "a case is named only through read_case, which needs the emails"
            return self.emails.link(ticket, step.case_id)
        move, decision = step.move, step.decision
        if move is None:
            return Outcome("no_action", "no rule fired, or already escalated at this level")
        self.writer.warnings.clear()
        sent = self._carry_out(move, ticket)
        status = "planned" if self.dry_run else move.cause
        rule, detail = (
            (decision.rule, f"{decision.reason} at level {decision.level}") if decision else ("lifecycle", move.cause)
        )
        return Outcome(
            status,
            detail,
            rule,
            decision.evidence if decision else (),
            sent,
            warnings=tuple(self.writer.warnings),
            escalation=step.escalation,
        )

    def _carry_out(self, move: Move, ticket: TicketSnapshot) -> JsonObject | None:
        """The step through the episodes' store; without one (simulate), its update alone."""
        if self.lifecycle is not None:
            return self.lifecycle.carry_out(move, ticket)
        return self.writer.apply(move.update) if move.update else None

    def _made_by_us(self, note: Notification) -> bool:
        return self.policy.integration_user_id is not None and note.actor_id == self.policy.integration_user_id


def _since(notes: list[Notification]) -> datetime | None:
    """The moment of the first change announced: its time in Zendesk, else when it arrived."""
    moments = []
    for note in notes:
        moment = parse_time(note.updated_at)
        if moment is None and note.received_at is not None:
            moment = datetime.fromtimestamp(note.received_at, tz=timezone.utc)
        if moment is not None:
            moments.append(moment)
    return min(moments, default=None)


def _announced(notes: list[Notification]) -> frozenset[int]:
    return frozenset(n.comment.id for n in notes if n.comment and n.comment.id is not None)


def _names_other_fields(body: JsonObject) -> bool:
    details = body.get("details")
    return isinstance(details, dict) and bool(details) and not set(details) <= COMMENT_FIELDS
