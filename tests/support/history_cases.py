"""People and moments of the replayed ticket history samples."""

from datetime import datetime, timezone

from zendesk_escalator.core.snapshot_api import People

T1, T2, T3 = (datetime(2026, 11, 2, h, tzinfo=timezone.utc) for h in (9, 10, 11))
CUSTOMER, AGENT, DESK = 20978392, 235323, 30000001


PEOPLE = People.of(
    [
        {"id": CUSTOMER, "email": "dana@customer.example", "role": "end-user"},
        {"id": AGENT, "email": "alex@acme.example", "role": "agent"},
        {"id": DESK, "email": "Escalation@acme.example", "role": "end-user"},
    ]
)
