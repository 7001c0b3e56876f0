"""What the sidebar app's tests share: its token, a policy with an owner, a communication plan and SLA tracking,
a fake Zendesk holding copies of the recorded CC ticket (the owner among its users), the service before it, and
an escalation the worker makes when the customer CCs the escalation desk."""

import copy

from conftest import sample, sample_policy
from support.fake_admin import FakeAdmin
from support.fake_audits import AuditEndpoints
from support.fake_sla import SlaEndpoints
from support.fake_zendesk import FakeZendesk, cc_ticket
from support.service import CUSTOMER, Clock, Service, comment_event

TOKEN = "app-token-0123456789-0123456789-abcdef"
OWNER = {"id": 900000000031, "name": "Max Manager", "email": "max@acme.example", "role": "agent", "active": True}
POLICY = sample_policy("""
[lifecycle]
cadence = { high = "2h", normal = "8h" }

[[lifecycle.owners]]
user_id = 900000000031

[sla]
warn_before = "30m"
""")


def fake_zendesk(ticket_ids, clock: Clock) -> tuple[FakeZendesk, SlaEndpoints]:
    """A started fake Zendesk with these copies of the CC ticket, users/show_many, audits and an SLA clock."""
    template, comments = sample("ticket_cc.json"), sample("comments_cc.json")
    tickets = {tid: cc_ticket(tid, template, comments) for tid in ticket_ids}
    fake = FakeZendesk(
        {tid: t for tid, (t, _) in tickets.items()},
        {tid: c for tid, (_, c) in tickets.items()},
        users=[*comments["users"], OWNER],
        endpoints=[FakeAdmin(), AuditEndpoints(), sla := SlaEndpoints()],
        clock=lambda: clock().timestamp(),
    ).start()
    for tid in tickets:
        fake.tickets[tid].update(email_cc_ids=[], collaborator_ids=[])
    return fake, sla


def service_for(tmp_path, fake: FakeZendesk, clock: Clock, **settings) -> Service:
    """The service with the app token set, its periodic jobs started (the SLA sweep plans timers)."""
    service = Service(tmp_path, fake, POLICY, clock, **{"app_token": TOKEN, **settings})
    service.worker.handlers.start()
    return service


def escalate_by_cc(service: Service, fake: FakeZendesk, ticket_id: int) -> None:
    """The customer's reply CCs the escalation desk: the worker escalates the ticket."""
    cc = copy.deepcopy(sample("comments_cc.json")["comments"][-1])
    written = fake.add_comment(ticket_id, CUSTOMER, "Please escalate: the dashboard is down.", via=cc["via"])
    event = comment_event(
        ticket_id, written, CUSTOMER, False, f"e-{written['id']}", tags=fake.tickets[ticket_id]["tags"]
    )
    assert service.post(event).status_code == 202
    service.work()
