"""The backtest's output: a table for a person, JSON for a program; both say what history cannot tell."""

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core.backtest.findings import Finding, summarize
from ..core.policy import Policy
from ..core.wording import span

# What a replay of Zendesk's exports cannot know; said in every output and in docs/BACKTEST.md.
LIMITS = (
    "Nothing was written: no ticket update was sent and no database was opened.",
    "Each change is decided at the moment Zendesk recorded it; the service acts a few seconds later "
    "and may take several quick changes together.",
    "Every change is assumed to have reached the service; your trigger's conditions decide which do.",
    "Ticket CCs and followers added without a comment are not in the export: only the addresses a "
    "comment was sent to (To, original recipients, CCs) count as CCs.",
    "Users are judged by their role and address today (a deleted author counts as a customer).",
    "Fields the period did not change are taken as they are today; other tools' and Zendesk "
    "triggers' changes are replayed as recorded, the integration user's own updates are left out.",
    "SLA: only Zendesk's own breach events count (never recomputed); a clock running since before "
    "the period counts from its start; agent replies before the period are unknown, so the policy's "
    "own first-reply target applies only to tickets created in the period.",
    "Zendesk's exports leave out the last minute.",
)
LIFECYCLE_LIMIT = (
    "Lifecycle: escalations already open when the period began are kept in the service's database, "
    "not in the exports, so their monitoring, reminders and close are left out; a close's review "
    "needs the ticket's audits and is not written."
)
RECURRING_LIMIT = (
    "Recurring incidents: a ticket created before the period and not changed in it is not in the "
    "exports, so a run in the period's first {within} may be missed; organizations and priorities "
    "before the period are today's with the period's changes undone."
)


EMAIL_LIMIT = (
    "Escalation emails: the email's subject and first comment are today's, and so are a case's CCs "
    "(who may escalate it); a case the period did not change is taken as it is today; the email's own "
    "ticket, once linked, is solved or merged without a line of its own."
)


def limits(policy: Policy) -> tuple[str, ...]:
    """What history cannot tell for this policy: escalation emails, the lifecycle, recurring incidents when enabled."""
    extra = [EMAIL_LIMIT] if policy.email.enabled else []
    if policy.lifecycle.enabled:
        extra.append(LIFECYCLE_LIMIT)
    if policy.recurring.enabled:
        extra.append(RECURRING_LIMIT.format(within=span(policy.recurring.within)))
    return LIMITS + tuple(extra)


@dataclass
class Report:
    """One run: the period, what was read, and what the policy would have done."""

    start: datetime
    end: datetime
    rules_path: str
    tickets: int  # tickets replayed
    updates: int  # ticket updates replayed
    calls: Counter[tuple[str, str, int | str]]  # (method, endpoint, status) -> requests, as the session counted them
    waited: float  # seconds spent waiting for the exports' rate limit
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)  # what this run could not read
    limits: tuple[str, ...] = LIMITS  # what history cannot tell, for the policy tried

    def api(self) -> dict[str, Any]:
        """The API calls it cost, by endpoint; 429s included."""
        by_endpoint: Counter[str] = Counter()
        for (method, endpoint, _), count in self.calls.items():
            by_endpoint[f"{method} {endpoint}"] += count
        limited = sum(count for (_, _, status), count in self.calls.items() if status == 429)
        return {
            "total": sum(by_endpoint.values()),
            "by_endpoint": dict(sorted(by_endpoint.items())),
            "rate_limited": limited,
            "waited_seconds": round(self.waited, 1),
        }


def render_json(report: Report) -> str:
    """Everything, for a program."""
    body = {
        "period": {"start": _iso(report.start), "end": _iso(report.end)},
        "policy": report.rules_path,
        "replayed": {"tickets": report.tickets, "updates": report.updates},
        "api_calls": report.api(),
        "cannot_tell": list(report.notes) + list(report.limits),
        "findings": [f.to_dict() for f in report.findings],
        "summary": summarize(report.findings),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def render_table(report: Report) -> str:
    """A header, one line per update the service would have sent (evidence below it), the summary."""
    api, days = report.api(), (report.end - report.start).total_seconds() / 86400
    lines = [
        f"zendesk-escalator backtest of {report.rules_path}: {_when(report.start)} to {_when(report.end)} UTC "
        f"({days:g} days)",
        f"Replayed {report.updates} update(s) of {report.tickets} ticket(s); Zendesk API calls: {api['total']} "
        f"(GET only; {api['rate_limited']} answered 429; {api['waited_seconds']:g} s waited for the limit)",
        "What history cannot tell:",
    ]
    lines += [f"  - {note}" for note in list(report.notes) + list(report.limits)]
    lines.append("")
    lines += _findings(report.findings) if report.findings else ["Nothing would have been escalated."]
    return "\n".join(lines + [""] + _summary(summarize(report.findings))) + "\n"


def _findings(findings: list[Finding]) -> list[str]:
    rows = [("TICKET", "WHEN (UTC)", "WHAT", "LEVEL", "RULE", "REASON", "STAGE")]
    rows += [(str(f.ticket_id), _when(f.at), f.kind, str(f.level), f.rule, f.reason, f.stage or "") for f in findings]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if n:
            lines += [f"{'':{widths[0]}}  - {line}" for line in findings[n - 1].evidence]
    return lines


def _summary(summary: dict[str, Any]) -> list[str]:
    lines = [
        f"Summary: {summary['tickets']} ticket(s) escalated; {summary['escalations']} escalation(s), "
        f"{summary['raises']} level raise(s), {summary['other_updates']} other update(s)"
    ]
    for title, key in (
        ("by rule", "by_rule"),
        ("by reason", "by_reason"),
        ("by level", "by_level"),
        ("tickets per day", "per_day"),
        ("lifecycle", "lifecycle"),
    ):
        if key not in summary:  # lifecycle steps, only when there were any
            continue
        counts = ", ".join(f"{name} {count}" for name, count in summary[key].items()) or "-"
        lines.append(f"  {title + ':':<16} {counts}")
    return lines


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
