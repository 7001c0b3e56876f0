"""Zendesk refusing the service's credentials is the account's condition: rows are held, not buried, and it shows.

A wrong or revoked token answers 401 to every call; an integration user made an
end-user answers 403 to every ticket. Both hold every row (no dead row, no retry
budget spent) and show on /readyz, /healthz and /metrics until a call succeeds
again. A 403 for one ticket the user may not see stays that ticket's answer.
"""

import json
import logging

import pytest
import requests
from conftest import sample, signed_headers
from support.fake_zendesk import INTEGRATION_USER, FakeZendesk, cc_ticket
from support.processes import Procs, free_port, service_env, wait_until
from support.scrape import Scrape
from support.service import Service

from zendesk_escalator.store.schema import DEAD, DONE, PENDING

TICKETS = (501, 502, 503)
RIGHT = "the-right-token"


def cc_world(ticket_ids=TICKETS) -> FakeZendesk:
    """CC tickets served by a fake Zendesk that accepts only the RIGHT token."""
    tickets, comments = {}, {}
    for tid in ticket_ids:
        tickets[tid], comments[tid] = cc_ticket(tid, sample("ticket_cc.json"), sample("comments_cc.json"))
    fake = FakeZendesk(tickets, comments, users=sample("comments_cc.json")["users"]).start()
    fake.token = RIGHT
    return fake


def event(ticket_id: int) -> dict:
    body = sample("event_comment_added.json")
    body["id"], body["detail"]["id"], body["subject"] = f"e-{ticket_id}", str(ticket_id), f"zen:ticket:{ticket_id}"
    return body


@pytest.fixture
def world(tmp_path):
    fake = cc_world()
    service = Service(tmp_path, fake, api_token="a-revoked-token")
    yield service, fake
    service.close()
    fake.stop()


def work_as_the_loop_does(service) -> None:
    """Handle due rows while the worker's breaker is closed (Worker.run waits out its pauses)."""
    while not service.worker.breaker.pause_left(service.worker.now()) and service.worker.run_once():
        pass


def statuses(service) -> list[str]:
    return [row.status for row in service.inbox.rows()]


def credential_gauge(service) -> dict:
    found = Scrape(service.http.get("/metrics").get_data(as_text=True)).by("escalator_zendesk_credentials", "state")
    return {state: value for (state,), value in found.items()}


def test_a_wrong_token_holds_every_row_until_it_works_then_escalates_each_ticket_once(world, caplog):
    service, fake = world
    caplog.set_level(logging.ERROR, "zendesk_escalator.worker.credentials")
    for tid in TICKETS:
        assert service.post(event(tid)).status_code == 202
    assert service.http.get("/readyz").json["zendesk_credentials"] == "unknown"
    work_as_the_loop_does(service)
    calls_while_refused = len(fake.requests)
    for _ in range(10):  # ten minutes of a wrong token
        service.clock.advance(61)
        work_as_the_loop_does(service)
    assert statuses(service) == [PENDING] * 3, "held: not dead, not done"
    assert all(row.deadline is None and row.attempts <= 1 for row in service.inbox.rows()), "no budget spent"
    assert len(fake.requests) - calls_while_refused == 10, "one try a minute"
    ready = service.http.get("/readyz")
    assert ready.status_code == 503 and ready.json["zendesk_credentials"] == "rejected"
    assert "ZENDESK_API_TOKEN" in ready.json["error"] and "401" in ready.json["error"]
    health = service.http.get("/healthz")
    assert health.status_code == 200 and health.json["zendesk_credentials"] == "rejected"
    assert "ZENDESK_API_TOKEN" in health.json["problem"]
    assert credential_gauge(service) == {"ok": 0, "rejected": 1, "not_agent": 0, "unknown": 0}
    said = [r for r in caplog.records if "ZENDESK_API_TOKEN" in r.getMessage()]
    assert 5 <= len(said) <= 11, "what to fix, about once a minute"
    assert "a-revoked-token" not in caplog.text

    fake.token = "a-revoked-token"  # the admin turns the token on again (or the fake accepts the fixed one)
    service.clock.advance(61)
    service.work()
    assert statuses(service) == [DONE] * 3
    assert {tid: len(fake.notes(tid)) for tid in TICKETS} == {tid: 1 for tid in TICKETS}
    assert service.http.get("/readyz").json == {"status": "ready", "zendesk_credentials": "ok"}
    assert credential_gauge(service)["ok"] == 1


def test_an_integration_user_made_an_end_user_holds_rows_and_says_so(world):
    service, fake = world
    fake.token = None  # the token is fine; the user lost its role
    fake.users[INTEGRATION_USER]["role"] = "end-user"
    assert service.post(event(TICKETS[0])).status_code == 202
    service.work()
    assert statuses(service) == [PENDING]
    assert [r.path for r in fake.requests][-1] == "/api/v2/users/me.json", "the 403 was settled by asking"
    ready = service.http.get("/readyz")
    assert ready.status_code == 503 and ready.json["zendesk_credentials"] == "not_agent"
    assert "no longer an agent or admin" in ready.json["error"] and "role end-user" in ready.json["error"]
    fake.users[INTEGRATION_USER]["role"] = "admin"
    service.clock.advance(61)
    service.work()
    assert statuses(service) == [DONE] and len(fake.notes(TICKETS[0])) == 1
    assert service.http.get("/readyz").status_code == 200


def test_a_ticket_the_user_may_not_see_is_that_tickets_answer_alone(world):
    service, fake = world
    fake.token = None
    fake.hidden = {TICKETS[1]}
    for tid in TICKETS:
        assert service.post(event(tid)).status_code == 202
    service.work()
    assert statuses(service) == [DONE, DEAD, DONE]
    (dead,) = service.inbox.rows(DEAD)
    assert "403" in dead.last_error
    assert len(fake.notes(TICKETS[0])) == len(fake.notes(TICKETS[2])) == 1
    assert service.http.get("/readyz").json == {"status": "ready", "zendesk_credentials": "ok"}


@pytest.mark.e2e
def test_the_web_process_reports_what_the_worker_process_saw(tmp_path):
    fake = cc_world(TICKETS[:1])
    port, base = free_port(), None
    procs = Procs(
        service_env(
            fake.url,
            f"sqlite:///{tmp_path}/inbox.db",
            ZENDESK_API_TOKEN="a-revoked-token",
            ESCALATOR_RETRY_BASE_SECONDS="0.1",
        ),
        tmp_path / "logs",
    )
    try:
        procs.web(port)
        base = f"http://127.0.0.1:{port}"
        procs.worker()
        raw = json.dumps(event(TICKETS[0])).encode()
        assert requests.post(f"{base}/webhooks/zendesk", data=raw, headers=signed_headers(raw)).status_code == 202
        assert wait_until(lambda: requests.get(f"{base}/readyz").status_code == 503), procs.tail()
        assert "ZENDESK_API_TOKEN" in requests.get(f"{base}/readyz").json()["error"]
        fake.token = "a-revoked-token"
        assert wait_until(lambda: len(fake.notes(TICKETS[0])) == 1), procs.tail()
        assert wait_until(lambda: requests.get(f"{base}/readyz").status_code == 200), procs.tail()
        assert "held, not lost" in procs.tail() and "ZENDESK_API_TOKEN" in procs.tail()
    finally:
        assert procs.stop_all() == [0] * len(procs.running)
        fake.stop()
    assert len(fake.notes(TICKETS[0])) == 1
