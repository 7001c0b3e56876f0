"""The recurring check as the backtest runs it: each organization's tickets, and the runs referred so far."""

from collections import defaultdict
from datetime import datetime
from typing import Any

from ..escalation.recurring import Incident, referral, run_key, to_refer
from ..lifecycle.episode import CLOSED, Episode
from ..notification import Notification
from ..policy import Policy
from .replayed import Replayed


class RecurringRuns:
    """The tickets of each organization as the replay has them, and each organization's last run referred."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.referred: dict[int, tuple[datetime, str]] = {}  # an organization's last run referred: when, its key
        self.organizations: dict[int | None, set[int]] = defaultdict(set)  # the recurring check looks at one

    def add(self, ticket: Replayed) -> None:
        """A ticket of the period, in its organization at the period's start."""
        self.organizations[ticket.state.organization_id].add(ticket.id)

    def to_refer(
        self, ticket: Replayed, was_in: int | None, at: datetime, tickets: dict[int, Replayed]
    ) -> list[tuple[int, Notification]]:
        """The check as of `at`, for the changed ticket's organization (no other run can be new): each run's newest
        ticket and its referral."""
        organization_id = ticket.state.organization_id
        self.organizations[was_in].discard(ticket.id)
        self.organizations[organization_id].add(ticket.id)
        if not organization_id:  # a ticket without one is in no run
            return []
        members = (tickets[ticket_id] for ticket_id in self.organizations[organization_id])
        incidents = [
            Incident(t.id, organization_id, t.priority_by_people, t.state.created_at, t.history.subject)
            for t in members
            if t.priority_by_people and t.state.created_at and t.state.created_at <= at
        ]
        found = []
        for run in to_refer(
            incidents,
            self.policy,
            at,
            lambda org: self.referred.get(org, (None,))[0],
            lambda ticket_id: _in_escalation(tickets[ticket_id].episode),
        ):
            self.referred[organization_id] = (at, run_key(organization_id, run[-1].id))
            found.append((run[-1].id, referral(run)))
        return found

    def came_to_nothing(self, ticket_id: int, run: dict[str, Any]) -> None:
        """A run whose newest ticket moved on before its turn: the organization's next run is a new one."""
        organization_id = run.get("organization_id")
        if organization_id is None:  # every run names its organization
            return
        known = self.referred.get(organization_id)
        if known is not None and known[1] == run_key(organization_id, ticket_id):
            del self.referred[organization_id]


def _in_escalation(episode: Episode | None) -> bool:
    return episode is not None and episode.state != CLOSED
