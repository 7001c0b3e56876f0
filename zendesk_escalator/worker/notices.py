"""Chat notices in the inbox: planned with the episode's save, sent by their own rows, counted in /metrics.

The rows are written in the transaction that saves the episode, after the ticket
update went out, so a chat outage never holds up an escalation, and a step saved
is told exactly once (its row's key names target, episode, event and step). Each
row is sent on its own, in a queue of its own beside the ticket's (core/reporting/notices.py):
a failure is retried with the inbox's backoff, a permanent answer (an unknown
channel, a revoked webhook, a secret not set) leaves the row dead, to revive with
`escalator dead-letters` once fixed.
"""

import logging
import os
from typing import Any, Callable, Mapping

from ..chat.senders import message_for, sender_for
from ..core.lifecycle.episode import Episode
from ..core.policy import Policy
from ..core.reporting.notices import Notice, notices
from ..core.snapshot import TicketSnapshot
from ..errors import NoticeFailed
from ..observability.metrics import Metrics
from ..store.rows import InboxRow
from .handlers import Handled, Outcome

log = logging.getLogger(__name__)


def announce_targets(policy: Policy, environ: Mapping[str, str] = os.environ) -> None:
    """Say at start which chat targets lack their secret: their notices would fail, and be kept dead."""
    for target in policy.notify:
        if not (environ.get(target.secret_env) or "").strip():
            log.warning(
                "[[notify]] %s: the environment variable %s is not set: its notices will be kept dead "
                "(`escalator check` says more)",
                target.name,
                target.secret_env,
            )


class NoticePlanner:
    """The notice rows of an episode's new steps, for every target whose `when` takes them."""

    def __init__(self, policy: Policy, ticket_url: Callable[[int], str]):
        self.policy, self.ticket_url = policy, ticket_url

    def rows(self, ticket: TicketSnapshot) -> Callable[[Episode, int, float], list[dict[str, Any]]]:
        """What the episode store writes with the episode: its steps from `first` on, as rows due `now`."""
        return lambda episode, first, now: [
            notice.row(now) for notice in notices(episode, first, ticket, self.policy, self.ticket_url(ticket.id))
        ]


class NoticeHandler:
    """Sends each notice row to its target; one outcome (or error) per row."""

    def __init__(self, policy: Policy, metrics: Metrics, timeout: float, environ: Mapping[str, str] = os.environ):
        self.targets = {target.name: target for target in policy.notify}
        self.metrics, self.timeout, self.environ = metrics, timeout, environ

    def handle(self, rows: list[InboxRow]) -> list[Handled]:
        """Send the claimed notices, oldest first, each on its own."""
        return [([row], self._send(Notice(**row.payload))) for row in rows]

    def _send(self, notice: Notice) -> "Outcome | NoticeFailed":
        target = self.targets.get(notice.target)
        if target is None:  # the policy no longer has it: nobody to tell
            return Outcome("dropped", f"notice target {notice.target} is no longer in the policy")
        try:
            answer = sender_for(target, self.environ, self.timeout).send(message_for(target, notice))
        except NoticeFailed as error:
            self.metrics.notice(target.kind, "failed" if error.retryable else "refused")
            return error
        self.metrics.notice(target.kind, "sent")
        return Outcome(
            "sent", f"{notice.event} of #{notice.ticket_id} to {target.kind} {target.name}: {answer}", "notify"
        )
