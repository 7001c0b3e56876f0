"""Which webhooks can move an open escalation (an agent's de-escalation, a close, a solve, a reopen): what to read."""

from ..escalation.rules import COMMENTS, TICKET
from ..notification import Notification
from ..policy import Policy
from ..state import Standing, screened
from .episode import ACTIVE, MONITORING, UNSOLVED


def screen(notes: list[Notification], standing: Standing, policy: Policy) -> frozenset[str]:
    """What must be read for an open escalation to move on these webhooks (nothing while none is open).

    An agent's de-escalation and Zendesk closing the ticket count with or without
    [lifecycle]; a solve or a reopen only with it. Without a record, the webhook's
    tags may show an escalation to adopt, so its requests are never screened out.
    """
    need = set()
    for note in notes:
        seen = screened(standing, note.tags, policy)
        if note.referral or not seen.escalated:  # nothing open to move (a referral: its rule reads what it needs)
            continue
        if _may_deescalate(note, policy):
            need |= {TICKET, COMMENTS}  # an agent's note must record the customer's agreement
        if (
            note.status == "closed"
            or policy.lifecycle.enabled
            and (
                note.status is None
                or (seen.phase == ACTIVE and note.status == "solved")
                or (seen.phase == MONITORING and (note.status in UNSOLVED or note.may_add_customer_comment))
            )
        ):
            need.add(TICKET)
    return frozenset(need)


def _may_deescalate(note: Notification, policy: Policy) -> bool:
    """The webhook may carry an agent's de-escalation: the tag, the "closed" value, a change of the status field."""
    closed = policy.values.closed
    return (
        note.tags is None
        or policy.lifecycle.deescalate_tag in note.tags
        or closed in note.tags
        or note.escalation_status == closed
        or bool(policy.fields.status and note.field_id == policy.fields.status)
    )
