"""`escalator backtest`: what the current policy would have escalated in a past period, writing nothing.

It reads, with GETs only: the incremental ticket events export with the comments
(one request per 1000 ticket updates), the incremental ticket export (today's
state of each ticket changed, one request per 1000 tickets), the users who wrote
or were CC'd (one request per 100), and with an [sla] policy the incremental
metric events export (Zendesk's SLA clock) and, when business hours count, the
account's schedule (two requests); with [email], the cases the period's escalation
emails name that it did not change (one request per 100). The tickets are then replayed together, in
the order things happened, through the worker's own core (core/backtest/period.py): its
rules, lifecycle steps, SLA timers and recurring check. No ticket update is sent
and no database is opened.
"""

import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Callable, TextIO

from ..core.backtest.period import cases_to_read, replay
from ..core.backtest.replayed import TicketHistory
from ..core.backtest.ticket_events import changes_from_export
from ..core.escalation.email import with_account_host
from ..core.escalation.triggers import escalation_rules
from ..core.policy import Policy
from ..core.sla.history import histories_from_export
from ..core.sla.hours import Schedule
from ..core.sla.schedule_api import schedule_from_zendesk
from ..core.sla.timers import ACCOUNT_SCHEDULE
from ..core.snapshot import TicketSnapshot
from ..core.snapshot_api import People, person_of, tickets_from_api
from ..errors import ConfigError, EscalatorError, TicketNotFound, ZendeskError, ZendeskRejected
from ..schemas.policy_file import load_policy
from ..settings import Settings
from ..zendesk.admin import ZendeskAdmin
from ..zendesk.client import ZendeskClient
from ..zendesk.reader import SHOW_MANY
from .backtest_report import Report, limits, render_json, render_table
from .export_pages import Exports, Progress


class Backtest:
    """Reads a period's history from Zendesk and replays it; one per run."""

    def __init__(self, client: ZendeskClient, policy: Policy, exports: Exports):
        self.client, self.policy, self.exports = client, policy, exports
        self.notes: list[str] = []  # what this run could not read, for the header

    def histories(self, start: datetime) -> dict[int, TicketHistory]:
        """Every ticket changed (or whose SLA clock moved) since `start`: today's state, changes, clock."""
        since = int(start.timestamp())
        events = list(self.exports.time_based("ticket events", self.client.ticket_events, "ticket_events", since))
        clocks = {}
        if self.policy.sla.enabled:
            metric_events = self.exports.time_based(
                "metric events", self.client.metric_events, "ticket_metric_events", since
            )
            clocks = histories_from_export(metric_events, start)
        raw, users = list(self.exports.tickets(since)), self.users(events)
        # The requester named (an escalation email's sender); not today's CCs, which the period may not have had.
        today = {
            tid: replace(t, requester=person_of(users, t.requester_id))
            for tid, t in tickets_from_api({"tickets": raw}).items()
        }
        subjects = {t.get("id"): str(t.get("subject") or "") for t in raw}
        changes = changes_from_export(events, People.of(users))
        return {
            tid: TicketHistory(
                today.get(tid) or TicketSnapshot(id=tid),
                changes.get(tid, []),
                clocks.get(tid, []),
                subjects.get(tid, ""),
            )
            for tid in sorted(set(changes) | set(clocks))
        }

    def users(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The users who changed, wrote on or were CC'd on these tickets: their roles and addresses."""
        ids = set()
        for event in events:
            ids.add(event.get("updater_id"))
            for child in (c for c in event.get("child_events") or () if isinstance(c, dict)):
                ids.add(child.get("author_id"))
                found = child.get("via")
                via: dict[str, Any] = found if isinstance(found, dict) else {}
                ids.update(((via.get("source") or {}).get("to") or {}).get("email_ccs") or ())
        known = sorted(i for i in ids if isinstance(i, int) and not isinstance(i, bool) and i > 0)
        return ZendeskAdmin(self.client.session, self.client.timeout).users(known) if known else []

    def unchanged_cases(self, histories: list[TicketHistory]) -> dict[int, TicketSnapshot]:
        """The cases the period's escalation emails name that it did not change: as they are today, so as then."""
        ids, found = cases_to_read(histories, self.policy), {}
        for first in range(0, len(ids), SHOW_MANY):
            chunk = ids[first : first + SHOW_MANY]
            found.update(tickets_from_api(self.exports.call("cases", lambda: self.client.tickets(chunk), paced=False)))
        return found

    def account_schedule(self) -> Schedule | None:
        """The account's default schedule, when the policy counts anything in it."""
        sla = self.policy.sla
        wanted = sla.enabled and (
            (sla.stages and sla.schedule == ACCOUNT_SCHEDULE)
            or any(t.schedule == ACCOUNT_SCHEDULE for t in sla.fallback)
        )
        if not wanted:
            return None
        try:
            schedules = self.client.schedules().get("schedules") or []
            if schedules:
                return schedule_from_zendesk(schedules[0], self.client.holidays(schedules[0]["id"]))
        except (ZendeskRejected, TicketNotFound, ValueError) as error:  # plans without schedules: 403 or 404
            why = f"Zendesk answered {error.status}" if isinstance(error, ZendeskError) else error
            self.notes.append(
                f"the account's schedule could not be read ({why}): business-hours stages and "
                f"targets counted in it are left out"
            )
            return None
        self.notes.append("the account has no schedule: business-hours stages are left out")
        return None


def run_backtest(
    settings: Settings,
    rules_path: str,
    since: timedelta,
    form: str,
    clock: Callable[[], datetime],
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Replay the period with the policy of `rules_path`; print the table or the JSON; 0 when it ran."""
    out, err = out or sys.stdout, err or sys.stderr  # looked up now: tests and pipes replace them
    policy = with_account_host(load_policy(rules_path), settings.subdomain)
    if not settings.has_credentials:
        raise ConfigError(
            "ZENDESK_SUBDOMAIN",
            "backtest reads Zendesk: ZENDESK_SUBDOMAIN with ZENDESK_EMAIL and "
            "ZENDESK_API_TOKEN (or ZENDESK_OAUTH_TOKEN) are needed",
        )
    end = clock()
    start = end - since
    client = ZendeskClient(settings)
    exports = Exports(client, Progress(err, int(start.timestamp()), int(end.timestamp())), sleep, monotonic)
    backtest = Backtest(client, policy, exports)
    try:
        histories = backtest.histories(start)
        unchanged = backtest.unchanged_cases(list(histories.values()))
        account = backtest.account_schedule()
    except ZendeskRejected as error:
        raise EscalatorError(_refusal(error)) from None
    findings = replay(histories.values(), policy, escalation_rules(), end, account, unchanged)
    report = Report(
        start,
        end,
        rules_path,
        len(histories),
        sum(len(h.changes) for h in histories.values()),
        client.session.calls,
        exports.waited,
        findings,
        backtest.notes,
        limits(policy),
    )
    out.write(render_table(report) if form == "table" else render_json(report))
    return 0


def _refusal(error: ZendeskRejected) -> str:
    if error.status == 403:
        return (
            "Zendesk refused the incremental export (403): it needs an admin. Make the user of "
            "ZENDESK_EMAIL an admin, or use an admin's API token, for the backtest."
        )
    return f"Zendesk refused a read the backtest needs: {error}"
