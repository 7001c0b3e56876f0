"""Carry open escalations over to escalation fields with new ids: one paced mirror repair per episode.

An admin who deletes an escalation field and lets `escalator setup` make it again gets
a new id. The service remembers the ids it writes with (in its database); when setup
finds other ids than those, it queues one row per open episode, carrying the new
ids. Each row reads its ticket once and sends one update holding only the escalation
fields and tags, written from the episode (no note), PACE seconds after the one
before: the rewrite stays far inside Zendesk's 100 ticket updates a minute, and is
right whether the running policy names the new ids yet or not.
"""

import json
import logging
from dataclasses import asdict, replace
from datetime import datetime
from typing import Callable

from ..core.escalation.plan import mirror_update
from ..core.kinds import MIRROR
from ..core.lifecycle.episode import CLOSED
from ..core.policy import FieldIds, Policy
from ..core.snapshot_api import ticket_from_api
from ..errors import TicketNotFound, ZendeskConflict
from ..store.cursors import Cursors
from ..store.escalations import Escalations
from ..store.inbox import Inbox
from ..store.rows import InboxRow
from .handlers import Outcome
from .ports import TicketSource, Writer

log = logging.getLogger(__name__)
PACE = 1.0  # seconds between two repairs: at most 60 of Zendesk's 100 ticket updates a minute
REMEMBERED = "mirror_fields"  # the cursor holding the field ids the service writes with
CONFLICT_ROUNDS = 3


def remembered(inbox: Inbox) -> FieldIds | None:
    """The escalation field ids the service last wrote with (None before this release remembered any)."""
    stored = Cursors(inbox.database).get(REMEMBERED)
    return FieldIds(**json.loads(stored)) if stored else None


def remember(inbox: Inbox, fields: FieldIds, now: datetime) -> None:
    """Remember the escalation field ids the service writes with from now on."""
    Cursors(inbox.database).set(REMEMBERED, json.dumps(asdict(fields)), now.timestamp())


def moved_fields(before: FieldIds, after: FieldIds) -> dict[str, tuple[int, int | None]]:
    """The fields whose id changed, by role: (old id, new id); a field newly named is no move."""
    return {
        role: (old, getattr(after, role))
        for role, old in asdict(before).items()
        if old is not None and old != getattr(after, role)
    }


def carry_over(inbox: Inbox, fields: FieldIds, now: datetime) -> int:
    """Queue one mirror repair per open episode, PACE seconds apart, writing `fields`; return how many."""
    start, ids = now.timestamp(), asdict(fields)
    rows = [
        {
            "kind": MIRROR,
            "dedupe_key": f"{MIRROR}:{episode.id}:{json.dumps(ids, sort_keys=True)}",
            "ticket_id": episode.ticket_id,
            "payload": {"episode_id": episode.id, "fields": ids},
            "run_at": start + n * PACE,
        }
        for n, episode in enumerate(Escalations(inbox.database).open_ones(limit=None))
    ]
    inbox.schedule(rows, start)
    remember(inbox, fields, now)
    return len(rows)


class MirrorRepair:
    """Rewrites one open episode's escalation fields and tags with the field ids its row carries."""

    def __init__(
        self, inbox: Inbox, reader: TicketSource, writer: Writer, policy: Policy, clock: Callable[[], datetime]
    ):
        self.inbox, self.reader, self.writer, self.policy, self.clock = inbox, reader, writer, policy, clock

    def start(self) -> None:
        """Remember the policy's field ids when nothing is remembered yet, so that check and setup see a change."""
        if remembered(self.inbox) is None and any(asdict(self.policy.fields).values()):
            remember(self.inbox, self.policy.fields, self.clock())

    def handle(self, rows: list[InboxRow]) -> Outcome:
        """Send the repair of the newest row (the ticket's others carry older ids)."""
        payload, ticket_id = rows[-1].payload, rows[-1].ticket_id
        episode = Escalations(self.inbox.database).current(ticket_id)
        if episode is None or episode.id != payload["episode_id"] or episode.state == CLOSED:
            return Outcome("stale", "the escalation has closed: its mirror says so already")
        policy = replace(self.policy, fields=FieldIds(**payload["fields"]))
        try:
            for _ in range(CONFLICT_ROUNDS):
                ticket = ticket_from_api(self.reader.ticket(ticket_id))
                if ticket.status == "closed":
                    return Outcome("stale", "the ticket is closed: its fields take no update")
                update = mirror_update(ticket, policy, episode.mirror)
                if update is None:
                    return Outcome("unchanged", f"the fields and tags show episode {episode.id} already")
                try:
                    sent = self.writer.apply(update)
                except ZendeskConflict:
                    continue  # changed since the read: read it again
                return Outcome("repaired", f"fields and tags of episode {episode.id} rewritten", MIRROR, update=sent)
        except TicketNotFound:
            return Outcome("ticket_gone", f"ticket {ticket_id} no longer exists")
        raise ZendeskConflict(f"ticket {ticket_id} kept changing", 409)
