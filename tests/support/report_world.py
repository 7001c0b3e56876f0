"""Escalations made through the public path for the report's tests: signed webhooks, the real worker, the
fake Zendesk with its SLA clock and the users API, one injected clock.

`busy_hours` plays 75 minutes: ticket 1 is warned 30 minutes before its SLA breach and answered in
time (a breach avoided), ticket 2 is warned and breached, ticket 3 is escalated by hand, solved after
20 minutes and closed after 30 minutes of monitoring. The lifecycle gives every escalation the same owner.
"""

from datetime import datetime

from conftest import SAMPLES
from support.fake_admin import FakeAdmin
from support.fake_audits import AuditEndpoints
from support.fake_sla import SlaEndpoints
from support.fake_zendesk import FakeZendesk
from support.service import Clock, Service
from support.sla_world import sla_fake
from support.zendesk_records import AGENT, listed_ticket, sla_policy_text

from zendesk_escalator.schemas.policy_file import parse_policy

OWNER = 900000000031
EXTRA = (
    sla_policy_text('repeat_every = "1h"')
    + """
[lifecycle]
monitoring = "30m"

[[lifecycle.owners]]
user_id = 900000000031
"""
)


def ticket(ticket_id: int, created: datetime, priority: str = "urgent", tags=("billing",)) -> dict:
    return listed_ticket(ticket_id, created, priority=priority, tags=tags)


def policy_text(extra: str = "") -> str:
    """The sample policy with SLA tracking and the lifecycle (and `extra`, e.g. a [report] section)."""
    return (SAMPLES / "policy.toml").read_text() + EXTRA + extra


def make_world(tmp_path, start: datetime, extra: str = "", **settings) -> tuple[Service, FakeZendesk, SlaEndpoints]:
    """The service in front of a fake Zendesk holding tickets 1-3 and the owner, at `start`."""
    clock = Clock(start)
    fake, sla = sla_fake(
        clock,
        [ticket(1, start), ticket(2, start), ticket(3, start, "normal", ("billing", "escalate"))],
        None,
        endpoints=[FakeAdmin(), AuditEndpoints()],
        users=[{"id": OWNER, "name": "Dana Lee", "email": "dana@acme.example", "role": "agent"}],
    )
    service = Service(tmp_path, fake, parse_policy(policy_text(extra)), clock, **settings)
    service.worker.handlers.start()  # as a starting worker does: schedule the periodic jobs
    return service, fake, sla


def busy_hours(service: Service, fake: FakeZendesk, sla: SlaEndpoints) -> None:
    """75 minutes of escalations (see the module's docstring)."""
    for tid in (1, 2):
        sla.start_clock(fake, tid)
    service.post(trigger_body(fake, 3), invocation="manual-3")
    for minute in range(1, 76):
        service.clock.advance(60)
        if minute == 45:
            sla.agent_replied(fake, 1)  # 15 minutes before the breach
        if minute == 20:
            fake.set_status(3, "solved", AGENT)
            service.post(trigger_body(fake, 3), invocation="solved-3")
        service.work()


def trigger_body(fake: FakeZendesk, ticket_id: int) -> dict:
    """The documented trigger body for an agent's change, as the ticket stands."""
    now = fake.tickets[ticket_id]
    return {
        "ticket_id": str(ticket_id),
        "updated_at": now["updated_at"],
        "tags": " ".join(now["tags"]),
        "priority": now["priority"],
        "status": now["status"],
        "actor_id": str(AGENT),
        "actor_role": "Agent",
    }
