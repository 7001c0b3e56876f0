"""The daily report as a periodic job: one internal note on a ticket, or one new ticket to an address, a day.

Its rows are keyed by the local date it runs on, so one report a day goes out
however many workers run or restart. A send can still be repeated when a worker
dies, or Zendesk times out, after Zendesk took it: so a note is first looked for
among the ticket's newest comments (one read), and a new ticket carries an
Idempotency-Key, which Zendesk keeps for two hours.

API requests a day: a note costs 2 (the read, the PUT), a new ticket 1 (the
POST); the owners' names add one per 100 owners. A dry run reads, sends nothing.
"""

from datetime import datetime, timedelta, timezone
from typing import Any, Callable
from zoneinfo import ZoneInfo

from ..core.kinds import DAILY_REPORT, periodic_lane
from ..core.policy import Policy
from ..core.reporting.formats import render_markdown
from ..core.reporting.report import next_daily
from ..core.sla.zone_names import iana_zone
from ..errors import ZendeskRejected
from ..store.inbox import Inbox
from ..zendesk.admin import ZendeskAdmin
from .periodic import JobResult
from .ports import ReportWriter, TicketSource
from .report_gathering import make_report

PERIOD = timedelta(hours=24)
TAG = "escalator_report"  # on a new report ticket, for views and triggers to leave it out
KEY_PREFIX = "zendesk-escalator-daily-report-"
KEY_USED = "IdempotentRequestError"  # 400: the key was used with another body: that report was created


class DailyReport:
    """The periodic job that builds the last 24 hours' report and delivers it as the policy says."""

    # Its slots are local dates (slot), not `every`.
    name, every, ticket_id = DAILY_REPORT, 24 * 3600.0, periodic_lane(DAILY_REPORT)

    def __init__(
        self,
        inbox: Inbox,
        policy: Policy,
        clock: Callable[[], datetime],
        writer: ReportWriter,
        reader: TicketSource | None = None,
        admin: ZendeskAdmin | None = None,
        dry_run: bool = False,
    ):
        self.inbox, self.policy, self.clock, self.writer = inbox, policy, clock, writer
        self.reader, self.admin = reader, admin  # None without credentials: no duplicate check, owners by id
        self.settings, self.dry_run = policy.report, dry_run

    def next_run(self, after: float) -> float:
        """The next `daily_at` in the report's time zone, strictly after `after`."""
        moment = datetime.fromtimestamp(after, tz=timezone.utc)
        return next_daily(moment, self.settings.daily_at, self.settings.time_zone).timestamp()

    def slot(self, run_at: float) -> str:
        """The local date of a run."""
        return datetime.fromtimestamp(run_at, tz=ZoneInfo(iana_zone(self.settings.time_zone))).date().isoformat()

    def run(self, payload: dict[str, Any]) -> JobResult:
        """Build the report of the last 24 hours and send it, once for this slot."""
        until = self.clock()
        slot = payload["slot"]  # the day it is for, even when run late
        report = make_report(self.inbox, self.policy, until - PERIOD, until, self.admin)
        title = f"Escalations: daily report of {slot}"
        text = render_markdown(report, title)
        sent = self._note(title, text) if self.settings.ticket_id else self._new_ticket(slot, title, text)
        figures = f"{report.opened} opened, {report.closed} closed, {report.open_active + report.open_monitoring} open"
        return JobResult(f"{'DRY RUN, not sent: ' if self.dry_run else ''}{title}: {sent} ({figures})")

    def _note(self, title: str, text: str) -> str:
        ticket_id = self.settings.ticket_id
        assert ticket_id is not None, "a note is written only when the report names its ticket"
        if self.reader is not None:
            newest = self.reader.comments(ticket_id).get("comments") or []
            if any(title in (comment.get("body") or "") for comment in newest):
                return f"already on ticket #{ticket_id}"
        self.writer.apply({"id": ticket_id, "comment": {"body": text, "public": False}})
        return f"internal note on ticket #{ticket_id}"

    def _new_ticket(self, slot: str, title: str, text: str) -> str:
        email = self.settings.email
        # Solved at once, by the integration user: out of every queue; the requester is emailed by
        # Zendesk's standard trigger "Notify requester of new proactive ticket" (an agent's public comment).
        ticket = {
            "subject": title,
            "comment": {"body": text, "public": True},
            "requester": {"email": email, "name": self.settings.name or email},
            "assignee_id": self.policy.integration_user_id,
            "status": "solved",
            "tags": [TAG],
        }
        try:
            created, replayed = self.writer.create_ticket(ticket, KEY_PREFIX + slot)
        except ZendeskRejected as error:
            if error.status == 400 and error.body.get("error") == KEY_USED:
                return f"already sent to {email}"
            raise
        made = f" as ticket #{created['id']}" if created.get("id") else ""  # a dry run makes none
        return f"{'already ' if replayed else ''}sent to {email}{made}"
