"""An escalation decision on a sample ticket, the moment it is made, and a policy with [lifecycle]."""

from dataclasses import replace
from datetime import datetime, timezone

from zendesk_escalator.core.escalation.rules import Decision
from zendesk_escalator.core.notification import Notification
from zendesk_escalator.core.policy import LifecyclePolicy
from zendesk_escalator.core.snapshot import TicketSnapshot

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


DECISION = Decision(
    "customer_cc",
    "customer_cc",
    1,
    "high",
    ("comment #7 from the customer was sent to x",),
    keys=frozenset({"comment:7", "cc:x"}),
)


TICKET = TicketSnapshot(id=9, status="open", priority="urgent", organization_id=5)


def with_lifecycle(policy, **changes):
    return replace(policy, lifecycle=replace(LifecyclePolicy(enabled=True), **changes))


def event(kind, **hints):
    return Notification(
        **{"ticket_id": 9, "source": "event", "event_type": f"ticket.{kind}", "tags": ("billing",), **hints}
    )
