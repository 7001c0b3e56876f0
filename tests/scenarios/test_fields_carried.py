"""An escalation field deleted and re-created by `setup` with a new id: the open escalations are carried over.

The service escalates tickets (its fields remembered in its database); an admin deletes
a field; `escalator setup` makes it again, sees the new id and queues one paced
mirror repair per open episode; the running worker rewrites each ticket's fields and
tags (no note); `check` says what [fields] still has to say. Assertions on what
Zendesk received.
"""

import copy
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from conftest import SAMPLES, sample
from support.fake_admin import FakeAdmin
from support.fake_zendesk import FakeZendesk
from support.service import CUSTOMER, Clock, Service

from zendesk_escalator.ops.check import Context
from zendesk_escalator.ops.check_fields import check_escalation_fields
from zendesk_escalator.ops.setup import run_setup
from zendesk_escalator.schemas.policy_file import parse_policy
from zendesk_escalator.settings import Settings
from zendesk_escalator.zendesk.client import build_admin

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
TICKETS = (35436, 35437, 35438)
STATUS = 360010000001
FIELDS = [
    {
        "id": STATUS,
        "type": "tagger",
        "title": "Escalation status",
        "active": True,
        "custom_field_options": [
            {"id": n, "name": value, "value": value}
            for n, value in enumerate(
                ("escalation_active", "escalation_requested", "escalation_monitoring", "escalation_closed")
            )
        ],
    },
    {"id": 360010000002, "type": "integer", "title": "Escalation level", "active": True},
    {"id": 360010000003, "type": "text", "title": "Escalation reason", "active": True},
    {"id": 360010000004, "type": "text", "title": "Escalated at", "active": True},
]
URL = "https://esc.example.com/webhooks/zendesk"


@pytest.fixture
def world(tmp_path):
    clock, comments = Clock(START), sample("comments_cc.json")
    tickets = {}
    for ticket_id in TICKETS:  # each with the escalation desk CC'd
        tickets[ticket_id] = copy.deepcopy(sample("ticket_cc.json"))
        tickets[ticket_id]["ticket"]["id"] = ticket_id
    admin = FakeAdmin(fields=FIELDS)
    fake = FakeZendesk(tickets, users=comments["users"], endpoints=[admin], clock=lambda: clock().timestamp()).start()
    service = Service(tmp_path, fake, parse_policy((SAMPLES / "policy.toml").read_text()), clock)
    service.worker.handlers.start()  # the worker remembers the field ids it writes with
    yield service, fake, admin
    fake.stop()


def setup(service, fake, capsys) -> str:
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url)
    run_setup(build_admin(settings), service.policy, URL, False, inbox=service.inbox, now=service.clock())
    return capsys.readouterr().out


def checked(service, policy) -> tuple:
    (row,) = check_escalation_fields(Context(policy, None, (), service.inbox))
    return row.status, row.detail


def test_setup_carries_open_escalations_over_to_a_re_created_field_at_a_paced_rate(world, capsys):
    service, fake, admin = world
    for ticket_id in TICKETS:
        ticket = fake.tickets[ticket_id]
        service.post(
            {
                "ticket_id": str(ticket_id),
                "updated_at": ticket["updated_at"],
                "tags": " ".join(ticket["tags"]),
                "actor_id": str(CUSTOMER),
                "actor_role": "end-user",
            }
        )
    service.work()
    assert checked(service, service.policy)[0] == "OK"
    del admin.fields[STATUS]  # an admin deleted "Escalation status"
    said = setup(service, fake, capsys)
    new_status = next(f["id"] for f in admin.fields.values() if f["title"] == "Escalation status")
    assert (
        f"Open escalations: 3 showed the old fields (status {STATUS} → {new_status}): the service rewrites "
        f"their fields and tags, one update every 1 s (about 1 min)"
    ) in said
    before = len(fake.seen("PUT"))
    for _ in range(4):  # the running service, still on the old [fields]
        service.work()
        service.clock.advance(1)
    repairs = [r for r in fake.seen("PUT")[before:] if "/tickets/" in r.path]
    assert [r.path for r in repairs] == [f"/api/v2/tickets/{t}.json" for t in TICKETS]
    for repair in repairs:
        assert "comment" not in repair.body["ticket"] and repair.status == 200
        assert repair.body["ticket"]["custom_fields"] == [{"id": new_status, "value": "escalation_active"}]
        assert "escalated" in repair.body["ticket"]["tags"] and repair.body["ticket"]["safe_update"] is True
    assert [round(r.when - repairs[0].when) for r in repairs] == [0, 1, 2]  # paced: far below 100 a minute
    status, detail = checked(service, service.policy)  # [fields] still names the deleted field
    assert status == "WARN" and f"status: [fields] {STATUS}, last written {new_status}" in detail
    moved = replace(service.policy, fields=replace(service.policy.fields, status=new_status))
    assert checked(service, moved)[0] == "OK"
    assert "Open escalations" not in setup(service, fake, capsys)  # a second run: nothing more to carry


def test_a_dry_run_says_what_it_would_carry_over_and_queues_nothing(world, capsys):
    service, fake, admin = world
    ticket = fake.tickets[TICKETS[0]]
    service.post(
        {
            "ticket_id": str(TICKETS[0]),
            "updated_at": ticket["updated_at"],
            "actor_id": str(CUSTOMER),
            "actor_role": "end-user",
        }
    )
    service.work()
    del admin.fields[STATUS]
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url)
    run_setup(build_admin(settings), service.policy, URL, True, inbox=service.inbox, now=service.clock())
    assert (
        f"Open escalations: 1 shows the old fields (status {STATUS} → a new field); a real run rewrites it."
        in capsys.readouterr().out
    )
    assert [r for r in service.inbox.rows() if r.kind == "mirror"] == []


def test_a_dry_run_without_open_escalations_says_nothing_of_them(world, capsys):
    service, fake, admin = world
    del admin.fields[STATUS]
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url)
    run_setup(build_admin(settings), service.policy, URL, True, inbox=service.inbox, now=service.clock())
    assert "Open escalations" not in capsys.readouterr().out  # it said "0 show the old fields"


def test_without_the_services_database_setup_says_where_to_run_it(world, capsys):
    service, fake, admin = world
    del admin.fields[STATUS]
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", api_url=fake.url)
    run_setup(build_admin(settings), service.policy, URL, False, inbox=None, now=service.clock())
    out = capsys.readouterr().out
    assert f"Open escalations, if the service has any: the fields moved (status {STATUS} → " in out
    assert (
        "), but the service's database is not here (DATABASE_URL): run setup where the service runs to rewrite "
        "them (a new installation has none)."
    ) in out
