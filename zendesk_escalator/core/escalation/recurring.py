"""Recurring incidents (pure): an organization's run of urgent or high tickets, and the rule on its newest.

A periodic check searches the account's recent urgent and high tickets once,
groups them by organization and, where an organization has `count` or more
within `within`, refers the run to its newest ticket. The rule escalates that
ticket with the run as evidence.

Only the priorities people set count: a priority the service raised itself
(an escalation's priority floor) says nothing about how often the organization
has urgent problems. A run whose newest ticket is in an open escalation is not
escalated again as recurring, and an organization escalates once per window: a
run that grows, or whose older tickets age out, within `within` of its referral
is the same run.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any, Callable, Sequence

from ..notification import Notification
from ..policy import PRIORITIES, Policy
from ..snapshot import TicketSnapshot, parse_time
from ..wording import one_line, span, utc
from .rules import Decision, ReferralRule

RECURRING = "recurring_incidents"  # the kind of the referral the check delivers
PRIORITY = "priority"  # the audit events' field name


@dataclass(frozen=True)
class Incident:
    """One of an organization's urgent or high tickets, as the search found it."""

    id: int
    organization_id: int
    priority: str | None
    created_at: datetime
    subject: str = ""
    tags: tuple[str, ...] = field(default=(), compare=False)  # what tells a ticket the service escalated
    updated_at: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for the referral."""
        return {
            "id": self.id,
            "organization_id": self.organization_id,
            "priority": self.priority,
            "created_at": utc(self.created_at),
            "subject": self.subject,
        }


def search_query(policy: Policy, now: datetime) -> str:
    """The search export query for the candidates.

    Zendesk's `created>` takes a date, so the query reaches a day further back
    and `runs` keeps the window exactly; the priority term narrows the answer
    and `runs` checks the priorities again.
    """
    since = (now - policy.recurring.within - timedelta(days=1)).date().isoformat()
    lowest = min(PRIORITIES.index(p) for p in policy.recurring.priorities)
    return f"created>{since}" + (f" priority>{PRIORITIES[lowest - 1]}" if lowest else "")


def incidents_from_search(results: Sequence[Any] | None) -> list[Incident]:
    """The search answer's tickets that belong to an organization (others cannot form a run)."""
    found: list[Incident] = []
    for raw in results or ():
        created = parse_time(raw.get("created_at")) if isinstance(raw, dict) else None
        if created and raw.get("id") and raw.get("organization_id") and raw.get("priority"):
            found.append(
                Incident(
                    raw["id"],
                    raw["organization_id"],
                    raw["priority"],
                    created,
                    str(raw.get("subject") or ""),
                    tuple(raw.get("tags") or ()),
                    str(raw.get("updated_at") or ""),
                )
            )
    return found


def runs(incidents: list[Incident], policy: Policy, now: datetime) -> list[tuple[Incident, ...]]:
    """Each organization's incidents in the window, oldest first, where there are enough of them."""
    rule = policy.recurring
    recent = sorted(
        {i.id: i for i in incidents if i.priority in rule.priorities and i.created_at >= now - rule.within}.values(),
        key=lambda i: (i.organization_id, i.created_at, i.id),
    )
    found = [tuple(run) for _, run in groupby(recent, key=lambda i: i.organization_id)]
    return [run for run in found if len(run) >= rule.count]


def to_refer(
    incidents: list[Incident],
    policy: Policy,
    now: datetime,
    referred_at: Callable[[int], datetime | None],
    in_escalation: Callable[[int], bool],
) -> list[tuple[Incident, ...]]:
    """The runs to refer now: not an organization's whose run was referred within the window, nor one
    whose newest ticket is in an open escalation already.

    `referred_at` gives when the organization's last run was referred (None: never, or it came to nothing).
    """
    waited = now - policy.recurring.within
    return [
        run
        for run in runs(incidents, policy, now)
        if not ((at := referred_at(run[-1].organization_id)) and at > waited) and not in_escalation(run[-1].id)
    ]


def priority_set_by_people(audits: dict[str, Any], service_user: int) -> str | None:
    """The priority people last set on a ticket, from its audits (oldest first): the service's own changes,
    and those of the triggers its updates fired, left out."""
    priority = None
    for audit in audits.get("audits") or ():
        by_people = audit.get("author_id") != service_user
        for event in audit.get("events") or ():
            if event.get("field_name") == PRIORITY and event.get("type") in ("Create", "Change") and by_people:
                priority = event.get("value") or None
    return priority


def referral(run: tuple[Incident, ...]) -> Notification:
    """The notification that refers the run to its newest ticket."""
    newest = run[-1]
    return Notification.refer(
        newest.id, RECURRING, {"organization_id": newest.organization_id, "incidents": [i.to_dict() for i in run]}
    )


def run_key(organization_id: int | None, newest_id: int) -> str:
    """The run's identity: one referral per organization and newest ticket."""
    return f"recurring:{organization_id}:{newest_id}"


class RecurringIncidents(ReferralRule):
    """The rule: a run of recurring incidents referred to this ticket, its newest, escalates it."""

    name = RECURRING

    def level(self, policy: Policy) -> int:
        return policy.recurring.level

    def check(self, ticket: TicketSnapshot, policy: Policy) -> Decision | None:
        found = ticket.referred(RECURRING)
        rule = policy.recurring
        if (
            found is None
            or not rule.enabled
            or ticket.status in ("solved", "closed")
            or ticket.priority not in rule.priorities
        ):
            return None  # the ticket moved on since the check: the run is no longer its to carry
        incidents = found.data.get("incidents") or []
        evidence = (
            f"{len(incidents)} {'/'.join(sorted(rule.priorities, key=PRIORITIES.index, reverse=True))} "
            f"tickets from organization {found.data.get('organization_id')} within {span(rule.within)}; "
            f"this one is the newest:",
            *(
                f"#{i['id']} ({i['priority']}, created {i['created_at']}): {one_line(str(i['subject']))}"[:200]
                for i in incidents
            ),
        )
        key = run_key(found.data.get("organization_id"), ticket.id)
        # Escalated since the check (its episode says so): not again as recurring.
        return Decision(
            self.name, rule.reason, rule.level, rule.priority, evidence, keys=frozenset({key}), opens_only=True
        )
