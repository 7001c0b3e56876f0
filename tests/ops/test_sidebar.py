"""GET /app/tickets/<id>, the sidebar app's endpoint, through the public path: signed webhooks in, the real worker,
the fake Zendesk, then the JSON the app receives through Zendesk's proxy (the token in the Authorization header)."""

import hmac
import logging
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from support.databases import open_inbox
from support.fake_zendesk import Fault
from support.service import TICKET, Clock
from support.sidebar_world import TOKEN, escalate_by_cc, fake_zendesk, service_for

from zendesk_escalator.app import create_app
from zendesk_escalator.errors import ZendeskUnavailable
from zendesk_escalator.ops import sessions
from zendesk_escalator.ops.user_names import UserNames

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
USERS = "/api/v2/users/show_many.json"


@pytest.fixture
def world(tmp_path, made):
    """The service (app token set) before a fake Zendesk with an SLA clock and the owner, time injected."""

    def make(**settings):
        clock = Clock(START)
        fake, sla = fake_zendesk([TICKET], clock)
        made.append(fake)
        return service_for(tmp_path, fake, clock, **settings), fake, sla

    return make


def escalate(service, fake, sla):
    """The customer's reply CCs the escalation desk; the sweep plans the SLA timers."""
    sla.start_clock(fake, TICKET)  # normal priority: the first reply is due in 8 h, at 17:00
    escalate_by_cc(service, fake, TICKET)
    service.clock.advance(12)  # the sweep's next step reads the ticket
    service.work()


def bearer(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_off_while_no_app_token_is_set(settings, policy, inbox):
    http = create_app(settings, policy, inbox).test_client()
    for headers in ({}, bearer()):
        answer = http.get(f"/app/tickets/{TICKET}", headers=headers)
        assert answer.status_code == 403 and "ESCALATOR_APP_TOKEN" in answer.get_json()["error"]


def test_refused_without_the_token_whatever_else_is_sent(world, caplog):
    service, fake, sla = world()
    escalate(service, fake, sla)
    caplog.set_level(logging.DEBUG)
    for path, headers in (
        (f"/app/tickets/{TICKET}", {}),
        (f"/app/tickets/{TICKET}", bearer(TOKEN[:-1] + "x")),
        (f"/app/tickets/{TICKET}", {"Authorization": f"Basic {TOKEN}"}),
        (f"/app/tickets/{TICKET}", bearer(TOKEN + "x")),
        (f"/app/tickets/{TICKET}", bearer("")),
        (f"/app/tickets/{TICKET}?token={TOKEN}", {}),
        (f"/app/tickets/{TICKET}", bearer("ünïcode")),
    ):
        answer = service.http.get(path, headers=headers)
        assert answer.status_code == 401, (path, headers)
        assert answer.get_json() == {"error": "Send the app token: Authorization: Bearer <ESCALATOR_APP_TOKEN>."}
        assert answer.headers["WWW-Authenticate"].startswith("Bearer") and answer.headers["Cache-Control"] == "no-store"
    assert TOKEN not in caplog.text


def test_the_token_is_compared_in_constant_time(world, monkeypatch):
    service, _, _ = world()
    compared, compare = [], hmac.compare_digest

    def spy(given, expected):
        compared.append((given, expected))
        return compare(given, expected)

    monkeypatch.setattr(sessions.hmac, "compare_digest", spy)
    assert service.http.get(f"/app/tickets/{TICKET}", headers=bearer("a-wrong-one")).status_code == 401
    assert service.http.get(f"/app/tickets/{TICKET}", headers=bearer()).status_code == 200
    assert compared == [(b"a-wrong-one", TOKEN.encode()), (TOKEN.encode(), TOKEN.encode())]


def test_an_escalation_the_worker_made_with_its_owner_named_by_one_zendesk_read(world):
    service, fake, sla = world()
    escalate(service, fake, sla)
    before = len(fake.requests)
    answer = service.http.get(f"/app/tickets/{TICKET}", headers=bearer())
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    view = answer.get_json()
    shown = view["escalation"]
    assert (shown["state"], shown["level"], shown["level_name"], shown["reason"]) == (
        "active",
        1,
        "team lead",
        "customer_cc",
    )
    assert shown["owner"] == {"id": 900000000031, "name": "Max Manager"}
    assert any("was sent to escalation@acme.example" in line for line in shown["evidence"])
    assert shown["missing"][0].startswith("Technical contact: phone number missing")
    assert [step["what"] for step in shown["timeline"]] == ["escalated"]
    assert view["plan"]["cadence"] == {"high": "2 h", "normal": "8 h"}
    assert view["plan"]["next_update_due"] == "2026-11-23T11:00:00Z"  # the CC raised the priority to high
    assert view["sla"]["breach_at"] == "2026-11-23T17:00:00Z" and view["sla"]["name"] == "first reply time"
    assert view["actions"]["status_field_id"] == 360010000001
    assert [(r.method, r.path) for r in fake.requests[before:]] == [("GET", USERS)]
    again = service.http.get(f"/app/tickets/{TICKET}", headers=bearer()).get_json()
    assert again["escalation"]["owner"]["name"] == "Max Manager" and len(fake.requests) == before + 1  # kept


def test_a_ticket_never_escalated_costs_no_zendesk_call(world):
    service, fake, _ = world()
    before = len(fake.requests)
    view = service.http.get("/app/tickets/4242", headers=bearer()).get_json()
    assert view["escalation"] is None and view["sla"] is None and view["ticket_id"] == 4242
    assert len(fake.requests) == before
    assert service.http.get(f"/app/tickets/{2**63}", headers=bearer()).status_code == 404
    assert service.http.get("/app/tickets/-1", headers=bearer()).status_code == 404
    assert service.http.get("/app/tickets/1.5", headers=bearer()).status_code == 404


def test_the_name_waits_a_minute_after_zendesk_failed_and_the_owner_is_shown_by_id(world):
    service, fake, sla = world()
    escalate(service, fake, sla)
    fake.fault = lambda method, path, count: Fault(503) if path == USERS else None
    view = service.http.get(f"/app/tickets/{TICKET}", headers=bearer()).get_json()
    assert view["escalation"]["owner"] == {"id": 900000000031, "name": "user 900000000031"}


def test_names_are_kept_an_hour_and_asked_again_a_minute_after_a_failure():
    asked, now = [], [0.0]

    def lookup(user_id):
        asked.append(user_id)
        if len(asked) == 1:
            raise ZendeskUnavailable("down", 503)
        return "Max Manager"

    names = UserNames(lookup, clock=lambda: now[0])
    assert names.name(31) is None and names.name(31) is None and asked == [31]
    now[0] = 61
    assert names.name(31) == "Max Manager" and asked == [31, 31]
    now[0] = 61 + 3599
    assert names.name(31) == "Max Manager" and asked == [31, 31]
    now[0] = 61 + 3601
    assert names.name(31) == "Max Manager" and asked == [31, 31, 31]


def test_database_down_is_a_503(settings, policy):
    broken = open_inbox("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    http = create_app(replace(settings, app_token=TOKEN), policy, broken).test_client()
    assert http.get(f"/app/tickets/{TICKET}").status_code == 401
    answer = http.get(f"/app/tickets/{TICKET}", headers=bearer())
    assert (
        answer.status_code == 503 and answer.headers["Retry-After"] == "10" and "database" in answer.get_json()["error"]
    )
