"""Episodes and tickets for the lifecycle's state table: a level, a status, tags at one moment."""

from datetime import datetime, timezone

from zendesk_escalator.core.lifecycle.episode import Episode
from zendesk_escalator.core.snapshot import TicketSnapshot

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


SHOWS_LEVEL_2 = ("escalated", "escalation_level_2", "escalation_reason_outage", "escalation_active")


def episode(state):
    return None if state is None else Episode(7, state, NOW, 2, "outage", "impact", id=1)


def ticket(status="open", tags=(), fields=()):
    return TicketSnapshot(id=7, status=status, tags=tags, custom_fields=fields)
