"""The request checklist on an escalation (pure): what the customer's request says, what is missing."""

from ..escalation.rules import Decision
from ..policy import Policy
from ..snapshot import Person, TicketSnapshot
from ..text.checklist import Checklist, Known, check_request


def checklist_for(decision: Decision, ticket: TicketSnapshot, policy: Policy) -> Checklist | None:
    """The checklist of the request behind this escalation (None: no customer request, or turned off)."""
    request = decision.request
    if not policy.checklist.enabled or request is None or decision.acknowledge_only:
        return None
    sender = request.sender or Person()
    # The escalation desk's own addresses and links are never the customer's contact or application.
    own = policy.checklist.own_domains | {address.rpartition("@")[2] for address in policy.addresses}
    known = Known(
        case_id=ticket.id,
        subject=request.subject,
        organization=f"organization {ticket.organization_id}" if ticket.organization_id else None,
        requester_name=sender.name,
        requester_email=sender.email,
        requester_phone=sender.phone,
        subdomains=policy.email.hosts,
        own_domains=frozenset(own),
    )
    return check_request(request.text, known)
