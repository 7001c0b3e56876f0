"""Recurring incidents (pure): an organization's run of urgent or high tickets, and the rule on its newest.

A periodic check searches the account's recent urgent and high tickets once,
groups them by organization and, where an organization has `count` or more
within `within`, refers the run to its newest ticket. The rule escalates that
ticket with the run as evidence; the run is keyed by its newest ticket, so the
same run (or what is left of it as older tickets age out) never escalates twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from .notification import Notification
from .policy import PRIORITIES, Policy
from .rules import Decision, ReferralRule
from .snapshot import TicketSnapshot, parse_time
from .text import span, utc

RECURRING = "recurring_incidents"  # the kind of the referral the check delivers


@dataclass(frozen=True)
class Incident:
    """One of an organization's urgent or high tickets, as the search found it."""

    id: int
    organization_id: int
    priority: str
    created_at: datetime
    subject: str = ""

    def to_dict(self) -> dict:
        """JSON-ready, for the referral."""
        return {"id": self.id, "organization_id": self.organization_id, "priority": self.priority,
                "created_at": utc(self.created_at), "subject": self.subject}


def search_query(policy: Policy, now: datetime) -> str:
    """The search export query for the candidates.

    Zendesk's `created>` takes a date, so the query reaches a day further back
    and `runs` keeps the window exactly; the priority term narrows the answer
    and `runs` checks the priorities again.
    """
    since = (now - policy.recurring.within - timedelta(days=1)).date().isoformat()
    lowest = min(PRIORITIES.index(p) for p in policy.recurring.priorities)
    return f"created>{since}" + (f" priority>{PRIORITIES[lowest - 1]}" if lowest else "")


def incidents_from_search(results: list) -> list[Incident]:
    """The search answer's tickets that belong to an organization (others cannot form a run)."""
    found = []
    for raw in results or ():
        created = parse_time(raw.get("created_at")) if isinstance(raw, dict) else None
        if created and raw.get("id") and raw.get("organization_id") and raw.get("priority"):
            found.append(Incident(raw["id"], raw["organization_id"], raw["priority"], created,
                                  str(raw.get("subject") or "")))
    return found


def runs(incidents: list[Incident], policy: Policy, now: datetime) -> list[tuple[Incident, ...]]:
    """Each organization's incidents in the window, oldest first, where there are enough of them."""
    rule = policy.recurring
    recent = sorted({i.id: i for i in incidents if i.priority in rule.priorities
                     and i.created_at >= now - rule.within}.values(),
                    key=lambda i: (i.organization_id, i.created_at, i.id))
    found = [tuple(run) for _, run in groupby(recent, key=lambda i: i.organization_id)]
    return [run for run in found if len(run) >= rule.count]


def referral(run: tuple[Incident, ...]) -> Notification:
    """The notification that refers the run to its newest ticket."""
    newest = run[-1]
    return Notification.refer(newest.id, RECURRING, {"organization_id": newest.organization_id,
                                                      "incidents": [i.to_dict() for i in run]})


def run_key(organization_id: int, newest_id: int) -> str:
    """The run's identity: one escalation per organization and newest ticket."""
    return f"recurring:{organization_id}:{newest_id}"


class RecurringIncidents(ReferralRule):
    """The rule: a run of recurring incidents referred to this ticket, its newest, escalates it."""

    name = RECURRING

    def level(self, policy: Policy) -> int:
        return policy.recurring.level

    def check(self, ticket: TicketSnapshot, policy: Policy) -> Decision | None:
        found = ticket.referred(RECURRING)
        rule = policy.recurring
        if found is None or not rule.enabled or ticket.status in ("solved", "closed") \
                or ticket.priority not in rule.priorities:
            return None  # the ticket moved on since the check: the run is no longer its to carry
        incidents = found.data.get("incidents") or []
        evidence = (f"{len(incidents)} {'/'.join(sorted(rule.priorities, key=PRIORITIES.index, reverse=True))} "
                    f"tickets from organization {found.data.get('organization_id')} within {span(rule.within)}; "
                    f"this one is the newest:",
                    *(f"#{i['id']} ({i['priority']}, created {i['created_at']}): {i['subject']}"[:200]
                      for i in incidents))
        key = run_key(found.data.get("organization_id"), ticket.id)
        return Decision(self.name, rule.reason, rule.level, rule.priority, evidence, keys=frozenset({key}))
