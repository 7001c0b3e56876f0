"""The post-escalation review (pure): the timeline from the episode and the ticket's audits.

It asks how to avoid the next one, and answers what the record can: when the
escalation opened and by which trigger, who owned it, how its level changed, when
an agent first answered after it, how the communication plan was kept, when the
ticket was solved and reopened, and how long it all took.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..policy import Policy
from ..snapshot import parse_time
from ..wording import span, utc
from .episode import Episode

STAFF = frozenset({"agent", "admin"})


@dataclass(frozen=True)
class AuditSummary:
    """What the ticket's audits tell about the time after the escalation opened."""

    public_updates: tuple[datetime, ...] = ()  # public comments by agents
    solved: tuple[datetime, ...] = ()
    reopened: tuple[datetime, ...] = ()


def summarize_audits(audits_json: dict[str, Any], since: datetime) -> AuditSummary:
    """Read GET tickets/{id}/audits.json?include=users: agents' public comments and status changes."""
    roles = {u.get("id"): u.get("role") for u in audits_json.get("users") or () if isinstance(u, dict)}
    updates: list[datetime] = []
    solved: list[datetime] = []
    reopened: list[datetime] = []
    for audit in audits_json.get("audits") or ():
        at = parse_time(audit.get("created_at"))
        if at is None or at < since:
            continue
        for event in audit.get("events") or ():
            author = event.get("author_id", audit.get("author_id"))
            if event.get("type") == "Comment" and event.get("public") and roles.get(author) in STAFF:
                updates.append(at)
            if event.get("type") == "Change" and event.get("field_name") == "status":
                if event.get("value") == "solved":
                    solved.append(at)
                elif event.get("previous_value") in ("solved", "closed"):
                    reopened.append(at)
    return AuditSummary(tuple(updates), tuple(solved), tuple(reopened))


def render_review(episode: Episode, audits: AuditSummary | None, policy: Policy, now: datetime) -> str:
    """The review note: the timeline, the figures, and the questions for the team."""
    first = episode.history[0] if episode.history else None
    lines = [
        f"Post-escalation review of ticket #{episode.ticket_id}",
        "",
        f"Escalated {utc(episode.opened_at)} by {episode.rule} (reason {episode.reason})"
        + (f", level {first.level}" if first else "")
        + ".",
    ]
    lines += [f"Evidence: {line}" for line in episode.evidence]
    lines.append(f"Owner: user {episode.owner_id}" if episode.owner_id else "Owner: none was named")
    lines += ["", "Timeline:"]
    lines += [
        f"- {utc(step.at)}  {step.state}, level {step.level}  ({step.cause}"
        + (f": {step.detail}" if step.detail else "")
        + ")"
        for step in episode.history
    ]
    lines += ["", *_figures(episode, audits, policy, now)]
    reasons = sorted({step.reason for step in episode.history if step.reason} | {episode.reason})
    lines += [
        f"Reasons: {', '.join(reasons)}",
        "",
        "To avoid the next one: what made the customer escalate? Could it have been seen earlier "
        "(signals, SLA warnings)? What would have solved it at the first level? What changes now?",
    ]
    return "\n".join(lines)


def _figures(episode: Episode, audits: AuditSummary | None, policy: Policy, now: datetime) -> list[str]:
    if audits is None:
        return ["The ticket's audits could not be read: response and update figures are missing."]
    lines = []
    first_reply = next((at for at in audits.public_updates if at >= episode.opened_at), None)
    lines.append(
        f"First agent response after the escalation: {utc(first_reply)} ({span(first_reply - episode.opened_at)} after)"
        if first_reply
        else "First agent response after the escalation: none"
    )
    reminders = sum(1 for step in episode.history if step.cause == "reminder")
    plan = (
        f"; the communication plan sent {reminders} reminder(s) for missed updates" if policy.lifecycle.cadence else ""
    )
    lines.append(f"Public updates to the customer: {len(audits.public_updates)}{plan}")
    solved = audits.solved[-1] if audits.solved else None
    lines.append(f"Solved: {utc(solved) if solved else 'not solved'}; reopened {len(audits.reopened)} time(s)")
    until = episode.closed_at or now
    lines.append(
        f"Time in escalation: {span((solved or until) - episode.opened_at)} until solved, "
        f"{span(until - episode.opened_at)} until closed"
    )
    return lines
