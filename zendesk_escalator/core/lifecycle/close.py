"""What an escalation's close sends to Zendesk: its phase and review, or a closed ticket's tags and a follow-up."""

from typing import Any

from ..escalation.plan import lifecycle_update
from ..policy import Policy
from ..snapshot import TicketSnapshot
from ..state import mirror_tags
from .episode import Episode


def closing(ticket: TicketSnapshot, episode: Episode, review: str, policy: Policy) -> dict[str, Any]:
    """The close's update: the closed phase and the review; on a closed ticket only its tags.

    A closed ticket takes no single-ticket update: its tags go through Update Many
    Tickets as `additional_tags` and `remove_tags` (Zendesk's tags documentation),
    and the review stays in the service.
    """
    consumed = frozenset({policy.lifecycle.deescalate_tag})
    if ticket.status == "closed":
        wanted = mirror_tags(ticket, policy, episode.mirror, consumed)
        return {
            "id": ticket.id,
            "additional_tags": [t for t in wanted if t not in ticket.tags],
            "remove_tags": [t for t in ticket.tags if t not in wanted],
        }
    return lifecycle_update(ticket, policy, episode.mirror, review, consumed=consumed)


def review_followup(ticket: TicketSnapshot, episode: Episode, review: str, policy: Policy) -> dict[str, Any] | None:
    """The follow-up ticket that holds the review of a ticket closed before it (None: not asked for)."""
    if ticket.status != "closed" or not policy.lifecycle.review_followup:
        return None
    followup = {
        "subject": f"Post-escalation review of #{ticket.id}: {ticket.subject}"[:250],
        "comment": {"body": review, "public": False},
        "via_followup_source_id": ticket.id,
        "tags": ["escalator_review"],
    }
    if episode.owner_id:
        followup["assignee_id"] = episode.owner_id
    return followup
