"""An SLA policy, a ticket with its breach times and the timers planned for it, at one moment."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from zendesk_escalator.core.sla_policy import SlaPolicy
from zendesk_escalator.core.snapshot import Metric, TicketSnapshot

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


BREACH_AT = NOW + timedelta(hours=2)


MIN = timedelta(minutes=1)


def with_sla(policy):
    """The policy with Zendesk's SLA followed in Berlin's time."""
    return replace(policy, sla=SlaPolicy(enabled=True, time_zone="Europe/Berlin"))


def ticket(*metrics, **changes):
    return TicketSnapshot(**{"id": 7, "status": "open", "priority": "high", "sla_metrics": metrics, **changes})


def active(name="first_reply_time", at=BREACH_AT):
    return Metric(name, "active", at)


def plan(timers):
    return sorted((t.kind, t.metric, t.fire_at - NOW, t.stage, t.round) for t in timers)
