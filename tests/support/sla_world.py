"""The parts the SLA worker modules' unit tests share: the fake Zendesk with its SLA clock on an injected clock,
the service's Zendesk client pointed at it, an open ticket as Zendesk lists it."""

from datetime import datetime

from conftest import SECRET, sample_policy
from support.fake_sla import SlaEndpoints
from support.fake_zendesk import FakeZendesk
from support.service import Clock

from zendesk_escalator.actions import ZendeskWriter
from zendesk_escalator.settings import Settings

SLA = '\n[sla]\nwarn_before = "30m"\nbreach_level = 2\n'
CUSTOMER, AGENT = 20978392, 235323


def open_ticket(ticket_id: int, created: datetime, priority: str = "urgent", status: str = "open") -> dict:
    """A ticket as Zendesk lists it (the fields the SLA planning reads)."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "ticket": {
            "id": ticket_id,
            "status": status,
            "priority": priority,
            "group_id": 98738,
            "assignee_id": AGENT,
            "requester_id": CUSTOMER,
            "tags": ["billing"],
            "follower_ids": [],
            "collaborator_ids": [],
            "email_cc_ids": [],
            "created_at": stamp,
            "updated_at": stamp,
            "generated_timestamp": int(created.timestamp()),
            "custom_fields": [],
        }
    }


def sla_fake(clock: Clock, tickets: list[dict], made: list) -> tuple[FakeZendesk, SlaEndpoints]:
    """A started fake Zendesk with these tickets and an SLA clock, on the test's clock (stopped after the test)."""
    sla = SlaEndpoints()
    fake = FakeZendesk(
        {t["ticket"]["id"]: t for t in tickets}, endpoints=[sla], clock=lambda: clock().timestamp()
    ).start()
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
