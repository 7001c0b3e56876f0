"""Link an escalation email to its case: read the cases it names, refer the email, solve or merge its ticket.

Which case is chosen is core/escalation/email.py's by_email, as in the backtest.

Each case named is one GET (three at most). The referral row is stored before
the email's ticket is updated and is keyed by both tickets, so a retry after a
failure in between refers the email once. Merging is a Zendesk job: the
MergeFollower reads its status until it ends, and a failed merge leaves a note
on the email's ticket asking the team to merge it by hand.
"""

import logging
from datetime import datetime
from typing import Any, Callable

from ..core.escalation.email import EMAIL, linked_update, merge_comments, referral
from ..core.kinds import MERGE, NOTIFICATION
from ..core.policy import Policy
from ..core.snapshot import TicketSnapshot
from ..core.snapshot_api import ticket_from_api
from ..errors import TicketNotFound, ZendeskRejected
from ..store.inbox import Inbox
from ..store.rows import InboxRow
from .handlers import Outcome
from .ports import Reader, TicketSource, Writer

log = logging.getLogger(__name__)
FIRST_POLL, LONGEST_POLL, GIVE_UP_AFTER = 5.0, 300.0, 6 * 3600.0  # seconds; Zendesk keeps job data a day


class EmailLinker:
    """Reads the cases an escalation email names, and links it to the one chosen."""

    def __init__(
        self, reader: TicketSource, writer: Writer, inbox: Inbox, policy: Policy, clock: Callable[[], datetime]
    ):
        self.reader, self.writer, self.inbox, self.policy, self.clock = reader, writer, inbox, policy, clock

    def read(self, case_id: int) -> TicketSnapshot | str:
        """A case named by an escalation email (one GET), or why it cannot be read."""
        try:
            return ticket_from_api(self.reader.ticket(case_id))
        except TicketNotFound:
            return f"#{case_id} does not exist"
        except ZendeskRejected as error:  # 403: a ticket the integration user may not see
            return f"#{case_id} cannot be read by the integration user ({error.status})"

    def link(self, email: TicketSnapshot, case_id: int) -> Outcome:
        """Refer the email to its case, and solve (or merge) the email's ticket."""
        now = self.clock().timestamp()
        self.inbox.schedule(
            [
                {
                    "kind": NOTIFICATION,
                    "dedupe_key": f"{EMAIL}:{email.id}:{case_id}",
                    "ticket_id": case_id,
                    "payload": referral(case_id, email).to_dict(),
                    "run_at": now,
                }
            ],
            now,
        )
        merge = self.policy.email.after_linking == "merge"
        sent = self.writer.apply(linked_update(email, case_id, self.policy, solve=not merge))
        detail = f"escalation email linked to case #{case_id}"
        if merge:
            job = self.writer.merge(case_id, email.id, *merge_comments(email.id, case_id))
            if job.get("id"):  # none in a dry run
                self.inbox.schedule([follow_row(job["id"], email.id, case_id, now, now + FIRST_POLL)], now)
            detail += f"; merge job {job.get('id')} {job.get('status', 'started')}"
        return Outcome("linked", detail, EMAIL, (f"case #{case_id}",), sent)


def follow_row(job_id: str, email_id: int, case_id: int, started: float, run_at: float) -> dict[str, Any]:
    """The row that reads a merge job's status at `run_at`."""
    return {
        "kind": MERGE,
        "dedupe_key": f"{MERGE}:{job_id}:{int(run_at)}",
        "ticket_id": email_id,
        "payload": {"job_id": job_id, "case_id": case_id, "started": started},
        "run_at": run_at,
    }


class MergeFollower:
    """Reads a merge job's status until it ends; a failed or lost merge gets a note on the email's ticket."""

    def __init__(self, reader: Reader, writer: Writer, inbox: Inbox, clock: Callable[[], datetime]):
        self.reader, self.writer, self.inbox, self.clock = reader, writer, inbox, clock

    def handle(self, rows: list[InboxRow]) -> Outcome:
        """Read the job once; schedule the next read while it runs."""
        payload, email_id = rows[-1].payload, rows[-1].ticket_id
        now = self.clock().timestamp()
        try:
            job = self.reader.job_status(payload["job_id"]).get("job_status") or {}
        except TicketNotFound:  # job data is kept a day; an id Zendesk no longer knows
            job = {"status": "lost", "message": "Zendesk no longer knows this job"}
        status = job.get("status")
        if status == "completed" and _succeeded(job.get("results")):
            return Outcome("merged", f"ticket {email_id} merged into case #{payload['case_id']}", EMAIL)
        if status in ("queued", "working") and now - payload["started"] < GIVE_UP_AFTER:
            wait = min(LONGEST_POLL, max(FIRST_POLL, (now - payload["started"]) / 2))
            self.inbox.schedule(
                [follow_row(payload["job_id"], email_id, payload["case_id"], payload["started"], now + wait)], now
            )
            return Outcome("waiting", f"merge job {payload['job_id']} is {status}; read again in {wait:.0f} s")
        why = job.get("message") or status or "no status"
        note = (
            f"Merging this ticket into case #{payload['case_id']} did not complete ({why}). "
            f"The case is escalated; merge this ticket into it by hand."
        )
        sent = self.writer.apply({"id": email_id, "comment": {"body": note, "public": False}})
        log.warning("ticket %s: merge into #%s did not complete (%s)", email_id, payload["case_id"], why)
        return Outcome("merge_failed", why, EMAIL, update=sent)


def _succeeded(results: object) -> bool:
    """A completed job's results say no source failed (Zendesk lists one result per ticket, or none)."""
    return not isinstance(results, list) or all(not isinstance(r, dict) or r.get("success", True) for r in results)
