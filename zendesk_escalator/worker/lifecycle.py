"""Carry out an episode's steps (the update, the record, the moments to watch) and handle lifecycle timers.

Every escalation is an episode, with or without [lifecycle]. A step on a ticket
Zendesk has closed sends no single-ticket update: the episode closes in the
service, the review stays in its record (and, where the policy asks, goes to a
follow-up ticket), and only the tags are set, through Update Many Tickets.

A lifecycle timer row says "monitoring of episode E ends at T" or "an update to
the customer is due at T"; it is keyed by kind, ticket, episode and moment, and a
step that moves on supersedes the ticket's others. At its moment the handler
reads the ticket (and its comments, or its audits for a review) and takes the
step the pure core decides, as one update.
"""

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any, Callable

from ..core.kinds import LIFECYCLE
from ..core.lifecycle.close import closing, review_followup
from ..core.lifecycle.episode import CLOSED, Episode
from ..core.lifecycle.review import AuditSummary, render_review, summarize_audits
from ..core.lifecycle.transitions import Move, on_timer
from ..core.policy import Policy
from ..core.snapshot import TicketSnapshot, parse_time
from ..core.snapshot_api import comments_from_api, ticket_from_api
from ..errors import TicketNotFound, ZendeskConflict, ZendeskRejected
from ..store.escalations import Escalations
from ..store.inbox import Inbox
from ..store.rows import InboxRow
from .handlers import Outcome
from .notices import NoticePlanner
from .ports import JsonObject, Reader, Writer

log = logging.getLogger(__name__)
CONFLICT_ROUNDS = 3  # a 409 (or a ticket closed since the read) means: read again, take the step again


class Lifecycle:
    """The I/O around the pure lifecycle: audits for reviews, the one update, the record, the timers."""

    def __init__(
        self,
        inbox: Inbox,
        reader: Reader,
        writer: Writer,
        policy: Policy,
        clock: Callable[[], datetime],
        record: bool = True,
        notices: NoticePlanner | None = None,
    ):
        self.inbox, self.reader, self.writer, self.policy, self.clock = inbox, reader, writer, policy, clock
        self.notices = notices  # the chat notices of each step saved (none without [[notify]])
        self.episodes = Escalations(inbox.database)
        # A dry run keeps no record: an escalation only planned must not count as made once the run is live.
        self.record = record

    def current(self, ticket_id: int) -> Episode | None:
        """The ticket's open episode, or its last closed one."""
        return self.episodes.current(ticket_id)

    def carry_out(self, move: Move, ticket: TicketSnapshot) -> JsonObject | None:
        """Send the step's update, keep the record, schedule its moments; return the body sent."""
        update, episode = move.update, move.episode
        if move.needs_review:
            assert episode is not None, "a review is asked only of a close, which has its episode"
            review = render_review(episode, self._audits(ticket.id, episode.opened_at), self.policy, self.clock())
            episode = replace(episode, review=review)
            update = closing(ticket, episode, review, self.policy)
            if followup := review_followup(ticket, episode, review, self.policy):
                # One key per episode: a retry within Zendesk's two hours finds the ticket made before.
                made, _ = self.writer.create_ticket(followup, f"zendesk-escalator-review-{episode.id}")
                log.info("ticket %s: review written to follow-up ticket %s", ticket.id, made.get("id"))
        sent = self._send(update, ticket) if update else None
        if move.reply:  # a second update: one update holds one comment, and the note is internal
            self.writer.apply({"id": ticket.id, "comment": {"body": move.reply, "public": True}})
        if episode is not None and self.record:
            episode = self.episodes.save(episode, self.clock(), self.notices.rows(ticket) if self.notices else None)
            self._watch(episode, move.watch)
        return sent

    def _send(self, update: JsonObject, ticket: TicketSnapshot) -> JsonObject | None:
        """The one update; on a closed ticket only its tags, and a refusal there is logged, not retried."""
        if ticket.status != "closed":
            return self.writer.apply(update)
        if not (update["additional_tags"] or update["remove_tags"]):
            return None
        try:
            return self.writer.tag_closed(update)
        except (ZendeskRejected, TicketNotFound) as error:  # the record is kept; the tags are only its mirror
            log.warning("ticket %s is closed: its escalation tags were not set (%s)", ticket.id, error)
            return None

    def _audits(self, ticket_id: int, since: datetime) -> AuditSummary | None:
        try:
            return summarize_audits(self.reader.audits(ticket_id), since)
        except TicketNotFound:
            raise
        except Exception as error:  # the review goes out anyway, saying what is missing
            log.warning("ticket %s: audits not read for the review (%s)", ticket_id, error)
            return None

    def _watch(self, episode: Episode, moments: tuple[tuple[str, datetime], ...]) -> None:
        now = self.clock().timestamp()
        rows: list[dict[str, Any]] = [
            {
                "kind": LIFECYCLE,
                "dedupe_key": f"{LIFECYCLE}:{kind}:{episode.ticket_id}:{episode.id}:{int(at.timestamp())}",
                "ticket_id": episode.ticket_id,
                "payload": {"kind": kind, "episode_id": episode.id, "at": at.timestamp()},
                "run_at": at.timestamp(),
            }
            for kind, at in moments
            if at is not None
        ]
        if episode.state == CLOSED or rows:
            self.inbox.supersede(LIFECYCLE, [episode.ticket_id], {row["dedupe_key"] for row in rows}, now)
        self.inbox.schedule(rows, now)


class LifecycleHandler:
    """Handles lifecycle timers: monitoring that ends, an update to the customer that falls due."""

    def __init__(self, lifecycle: Lifecycle):
        self.lifecycle = lifecycle

    def handle(self, rows: list[InboxRow]) -> Outcome:
        """Take the step the latest due timer of this ticket asks for (the others are older moments)."""
        payload = max((row.payload for row in rows), key=lambda p: p["at"])
        ticket_id = rows[0].ticket_id
        episode = self.lifecycle.current(ticket_id)
        if episode is None or episode.id != payload["episode_id"] or episode.state == CLOSED:
            return Outcome("stale", "the escalation has moved on")
        try:
            return self._step(ticket_id, episode, payload)
        except TicketNotFound:
            return Outcome("ticket_gone", f"ticket {ticket_id} no longer exists")

    def _step(self, ticket_id: int, episode: Episode, payload: dict[str, Any]) -> Outcome:
        """Read the ticket, take the step the moment asks for; read again when it changed under the update."""
        for _ in range(CONFLICT_ROUNDS):
            ticket = ticket_from_api(self.lifecycle.reader.ticket(ticket_id))
            move = on_timer(
                payload["kind"],
                ticket,
                episode,
                self.lifecycle.policy,
                self.lifecycle.clock(),
                lambda: self._last_public_update(ticket_id),
            )
            if move is None:
                return Outcome("stale", f"{payload['kind']}: nothing to do (the ticket is {ticket.status})")
            try:
                sent = self.lifecycle.carry_out(move, ticket)
            except ZendeskConflict as error:
                log.info(
                    "ticket %s changed before its %s (%s): reading it again", ticket_id, payload["kind"], error.status
                )
                continue
            return Outcome(move.cause, f"{payload['kind']} of episode {episode.id}", "lifecycle", update=sent)
        raise ZendeskConflict(f"ticket {ticket_id} kept changing", 409)

    def _last_public_update(self, ticket_id: int) -> datetime | None:
        """When an agent last wrote publicly (the newest page of comments, one read).

        The service's own public replies (the checklist's questions) ask; they are no update.
        """
        ours = self.lifecycle.policy.integration_user_id
        comments = comments_from_api(self.lifecycle.reader.comments(ticket_id)).page
        # An unparsable created_at (None) among others would raise TypeError here: kept as it is (a refactor).
        return max(  # type: ignore[type-var]
            (
                parse_time(c.created_at)
                for c in comments
                if c.public and not c.by_customer and c.created_at and c.author_id != ours
            ),
            default=None,
        )
