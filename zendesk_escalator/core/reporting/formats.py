"""The report written out (pure): Markdown for people (and Zendesk notes), CSV for spreadsheets, JSON for programs.

The Markdown uses headings and lists only, no tables: a Zendesk comment shows
its text as written, and lists read as well there as rendered.
"""

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from ..sla.zone_names import iana_zone
from ..wording import span
from .report import Durations, Report, Tally

CsvRow = tuple[str, str, str | int, str, str | int | None]  # metric, by, key, label, value

TITLE = "Escalations: status report"
CLOSE_CAUSES = {"monitored": "after monitoring", "deescalated": "de-escalated"}
DEFINITION = (
    "Breaches avoided: SLA breach moments the service warned of whose own breach timer then did not "
    "act (the metric was achieved or paused, the ticket solved, or the breach moved)."
)


def render_markdown(report: Report, title: str = TITLE) -> str:
    """The report as a person reads it."""
    zone = ZoneInfo(iana_zone(report.time_zone))

    def when(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    lines = [
        f"# {title}",
        "",
        f"{when(report.since)} – {when(report.until)} ({span(report.until - report.since)})",
        "",
        "## The period",
        f"- Opened: {report.opened}{_breakdown(report.opened_by_reason)}",
        f"- Closed: {report.closed}{_breakdown(report.closed_by_cause, CLOSE_CAUSES)}",
        f"- Re-escalated after monitoring: {report.re_escalated}",
        f"- Time in escalation of those closed: {_durations(report.time_closed)}; "
        f"active until solved: {_durations(report.time_active_closed)}",
        "",
        f"## Open now: {report.open_active + report.open_monitoring} "
        f"({report.open_active} active, {report.open_monitoring} monitoring)",
    ]
    if report.by_level:
        lines += [
            "By level:",
            *_tally_lines(report.by_level),
            "By owner:",
            *_tally_lines(report.by_owner),
            f"Open for: {_durations(report.open_age)}",
            "Longest open:",
        ]
        lines += [
            f"- #{o.ticket_id}: level {o.level}, {o.state}, open since {when(o.opened_at)} ({span(o.age)}), "
            f"{o.reason}, {o.owner}"
            for o in report.longest_open
        ]
    sla = report.sla
    avoided_on = f" ({', '.join(f'#{t}' for t in sla.avoided_tickets)})" if sla.avoided_tickets else ""
    lines += [
        "",
        "## SLA",
        f"- Warnings sent: {sla.warnings}; breaches escalated: {sla.breaches}; reminders a level up: {sla.reminders}",
        f"- Breaches avoided: {sla.avoided}{avoided_on}; breached after a warning: {sla.breached_after_warning}",
        f"- Warned breaches still at risk: {sla.at_risk}",
        "",
        DEFINITION,
    ]
    return "\n".join(lines) + "\n"


def render_csv(report: Report) -> str:
    """One figure a row: metric, by (a grouping or a statistic), key, label, value; durations in minutes."""
    rows: list[CsvRow] = [
        ("period", "since", "", "", _iso(report.since)),
        ("period", "until", "", "", _iso(report.until)),
        ("period", "time_zone", "", "", report.time_zone),
        ("opened", "", "", "", report.opened),
        *(("opened", "reason", key, "", n) for key, n in report.opened_by_reason),
        ("closed", "", "", "", report.closed),
        *(("closed", "cause", key, "", n) for key, n in report.closed_by_cause),
        ("re_escalated", "", "", "", report.re_escalated),
        *_duration_rows("time_closed_minutes", report.time_closed),
        *_duration_rows("time_active_closed_minutes", report.time_active_closed),
        ("open_active", "", "", "", report.open_active),
        ("open_monitoring", "", "", "", report.open_monitoring),
    ]
    for by, tallies in (("level", report.by_level), ("owner", report.by_owner)):
        for t in tallies:
            rows += [
                ("open_active", by, t.key, t.label, t.active),
                ("open_monitoring", by, t.key, t.label, t.monitoring),
            ]
    rows += [
        *_duration_rows("open_age_minutes", report.open_age),
        *(
            (
                "open_longest",
                "ticket",
                o.ticket_id,
                f"level {o.level}, {o.state}, {o.reason}, {o.owner}",
                _minutes(o.age),
            )
            for o in report.longest_open
        ),
    ]
    sla = report.sla
    rows += [
        ("sla_warnings", "", "", "", sla.warnings),
        ("sla_breaches", "", "", "", sla.breaches),
        ("sla_reminders", "", "", "", sla.reminders),
        ("breaches_avoided", "", "", "", sla.avoided),
        *(("breaches_avoided", "ticket", t, "", 1) for t in sla.avoided_tickets),
        ("breached_after_warning", "", "", "", sla.breached_after_warning),
        ("breaches_at_risk", "", "", "", sla.at_risk),
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("metric", "by", "key", "label", "value"))
    writer.writerows(rows)
    return out.getvalue()


def render_json(report: Report) -> str:
    """The report as one JSON object; moments in UTC (ISO 8601), durations in minutes."""

    def tallies(found: tuple[Tally, ...]) -> list[dict[str, Any]]:
        return [{"key": t.key, "label": t.label, "active": t.active, "monitoring": t.monitoring} for t in found]

    sla = report.sla
    return (
        json.dumps(
            {
                "period": {"since": _iso(report.since), "until": _iso(report.until), "time_zone": report.time_zone},
                "opened": {"total": report.opened, "by_reason": dict(report.opened_by_reason)},
                "closed": {"total": report.closed, "by_cause": dict(report.closed_by_cause)},
                "re_escalated": report.re_escalated,
                "time_in_escalation_minutes": {
                    "closed": _duration_dict(report.time_closed),
                    "active_until_solved": _duration_dict(report.time_active_closed),
                },
                "open": {
                    "active": report.open_active,
                    "monitoring": report.open_monitoring,
                    "by_level": tallies(report.by_level),
                    "by_owner": tallies(report.by_owner),
                    "age_minutes": _duration_dict(report.open_age),
                    "longest": [
                        {
                            "ticket_id": o.ticket_id,
                            "state": o.state,
                            "level": o.level,
                            "reason": o.reason,
                            "owner": o.owner,
                            "opened_at": _iso(o.opened_at),
                            "age_minutes": _minutes(o.age),
                        }
                        for o in report.longest_open
                    ],
                },
                "sla": {
                    "warnings": sla.warnings,
                    "breaches": sla.breaches,
                    "reminders": sla.reminders,
                    "breaches_avoided": sla.avoided,
                    "breaches_avoided_tickets": list(sla.avoided_tickets),
                    "breached_after_warning": sla.breached_after_warning,
                    "at_risk": sla.at_risk,
                },
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


FORMATS = {"markdown": render_markdown, "csv": render_csv, "json": render_json}


def _breakdown(counts: tuple[tuple[str, int], ...], names: dict[str, str] | None = None) -> str:
    parts = [f"{(names or {}).get(key, key)} {n}" for key, n in counts]
    return f" ({', '.join(parts)})" if parts else ""


def _durations(found: Durations) -> str:
    if not found.count:
        return "none"
    assert found.median is not None and found.longest is not None  # a count has both
    return f"median {span(found.median)}, longest {span(found.longest)}"


def _tally_lines(tallies: tuple[Tally, ...]) -> list[str]:
    return [
        f"- {t.label}: "
        + ", ".join(
            part
            for part in (f"{t.active} active" if t.active else "", f"{t.monitoring} monitoring" if t.monitoring else "")
            if part
        )
        for t in tallies
    ]


def _duration_rows(metric: str, found: Durations) -> list[CsvRow]:
    return (
        [(metric, "median", "", "", _minutes(found.median)), (metric, "longest", "", "", _minutes(found.longest))]
        if found.count
        else []
    )


def _duration_dict(found: Durations) -> dict[str, int | None]:
    return {"count": found.count, "median": _minutes(found.median), "longest": _minutes(found.longest)}


def _minutes(delta: timedelta | None) -> int | None:
    return None if delta is None else round(delta.total_seconds() / 60)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
