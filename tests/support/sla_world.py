"""The parts the SLA worker modules' unit tests share: the fake Zendesk with its SLA clock on an injected clock,
the service's Zendesk client pointed at it, an open ticket as Zendesk lists it."""

from datetime import datetime

from conftest import SECRET, sample_policy
from support.fake_sla import SlaEndpoints
from support.fake_zendesk import FakeZendesk
from support.service import Clock
from support.zendesk_records import SLA, listed_ticket

from zendesk_escalator.actions import ZendeskWriter
from zendesk_escalator.settings import Settings


def open_ticket(ticket_id: int, created: datetime, priority: str = "urgent", status: str = "open") -> dict:
    """A ticket as Zendesk lists it (the fields the SLA planning reads)."""
    return listed_ticket(ticket_id, created, priority=priority, status=status)


def sla_fake(
    clock: Clock, tickets: list[dict], made: list | None, sla: SlaEndpoints | None = None, endpoints=(), **options
) -> tuple[FakeZendesk, SlaEndpoints]:
    """A started fake Zendesk with these tickets and an SLA clock (`sla`, or a new one) before `endpoints`, on the
    test's clock (stopped after the test when `made` is the fixture's list)."""
    sla = sla or SlaEndpoints()
    fake = FakeZendesk(
        {t["ticket"]["id"]: t for t in tickets},
        endpoints=[sla, *endpoints],
        clock=lambda: clock().timestamp(),
        **options,
    ).start()
    if made is not None:
        made.append(fake)
    return fake, sla


def client_on(fake: FakeZendesk) -> ZendeskWriter:
    """The service's Zendesk client (reads and writes), talking to the fake."""
    return ZendeskWriter(
        Settings(
            subdomain="acme",
            email="bot@acme.example",
            api_token="t0ken",
            api_url=fake.url,
            webhook_secrets=(SECRET,),
            api_timeout=5.0,
        )
    )


def sla_policy(extra: str = ""):
    """The sample policy with SLA tracking on (warnings 30 minutes before a breach)."""
    return sample_policy(SLA + extra)
