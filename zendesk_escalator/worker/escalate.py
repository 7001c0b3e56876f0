"""Process the notifications of one ticket: read, decide, apply (I/O around the pure core)."""

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Callable, Protocol

from ..errors import TicketNotFound, ZendeskConflict
from ..core.plan import build_update
from ..core.policy import Policy
from ..core.rules import decide
from ..core.notification import Notification
from ..core.snapshot import TicketSnapshot

log = logging.getLogger(__name__)
CONFLICT_ROUNDS = 3  # a 409 means "re-read and re-decide", a few times before backing off


class Reader(Protocol):
    def read(self, ticket_id: int, hint: Notification | None = None) -> TicketSnapshot: ...


class Writer(Protocol):
    def apply(self, update: dict) -> dict: ...


@dataclass(frozen=True)
class Outcome:
    """What processing did, stored on the inbox row."""

    status: str  # ignored | no_action | escalated | planned | ticket_gone
    detail: str
    rule: str | None = None
    update: dict | None = None

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {k: v for k, v in asdict(self).items() if v is not None}


class Processor:
    """Turns notifications into at most one ticket update."""

    def __init__(self, reader: Reader, writer: Writer, policy: Policy,
                 now: Callable[[], datetime], dry_run: bool = False):
        self.reader, self.writer, self.policy = reader, writer, policy
        self.now, self.dry_run = now, dry_run

    def process(self, notes: list[Notification]) -> Outcome:
        """Handle the notifications of one ticket (coalesced) and return the outcome."""
        relevant = [note for note in notes if not self._made_by_us(note)]
        if not relevant:
            return Outcome("ignored", "update made by the integration user (0 API calls)")
        ticket_id = relevant[-1].ticket_id
        try:
            return self._escalate(ticket_id, relevant[-1])
        except TicketNotFound:
            return Outcome("ticket_gone", f"ticket {ticket_id} no longer exists")

    def _escalate(self, ticket_id: int, hint: Notification) -> Outcome:
        for round_ in range(1, CONFLICT_ROUNDS + 1):
            ticket = self.reader.read(ticket_id, hint)
            now = self.now()
            decision = decide(ticket, self.policy, now)
            if decision is None:
                return Outcome("no_action", "no rule fired, or already escalated at this level")
            update = build_update(ticket, decision, self.policy, now)
            try:
                sent = self.writer.apply(update)
            except ZendeskConflict:
                log.info("ticket %s changed under us (409), re-reading (round %d)", ticket_id, round_)
                continue
            status = "planned" if self.dry_run else "escalated"
            return Outcome(status, f"{decision.reason} at level {decision.level}", decision.rule, sent)
        raise ZendeskConflict(f"ticket {ticket_id} kept changing during {CONFLICT_ROUNDS} rounds", 409)

    def _made_by_us(self, note: Notification) -> bool:
        return (self.policy.integration_user_id is not None
                and note.actor_id == self.policy.integration_user_id)
