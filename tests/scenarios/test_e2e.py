"""End to end with real processes against a fake Zendesk on 127.0.0.1."""

import json
import time

import pytest
import requests
from conftest import sample, signed_headers
from support.processes import Procs, free_port, service_env, wait_until
from support.service import cc_fake

pytestmark = pytest.mark.e2e
TICKET = 35436


@pytest.fixture
def fake():
    server = cc_fake()
    yield server
    server.stop()


@pytest.fixture(params=["procfile", "embedded"])
def service(request, tmp_path, fake):
    """The Procfile pair (gunicorn web + escalator worker) or `escalator run` alone."""
    port = free_port()
    procs = Procs(service_env(fake.url, f"sqlite:///{tmp_path}/inbox.db"), tmp_path / "logs")
    try:
        if request.param == "procfile":
            procs.web(port)
            procs.worker()
        else:
            procs.embedded(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        assert procs.stop_all() == [0] * len(procs.running), "did not stop cleanly on SIGTERM"


def post(base, body):
    raw = json.dumps(body).encode()
    return requests.post(f"{base}/webhooks/zendesk", data=raw, headers=signed_headers(raw), timeout=5)


def test_signed_cc_webhook_escalates_the_ticket_exactly_once(service, fake):
    event = sample("event_comment_added.json")
    assert post(service, event).status_code == 202
    assert post(service, event).status_code == 200  # Zendesk's retry of the same event
    assert wait_until(lambda: len(fake.puts(TICKET)) == 1)
    # A different event for the same ticket: its episode says escalated at the CC's level, so no read at all.
    assert post(service, {**event, "id": "another-event"}).status_code == 202
    metrics = lambda: requests.get(f"{service}/metrics", timeout=2).text  # noqa: E731
    assert wait_until(lambda: 'escalator_inbox_rows{status="done"} 2' in metrics())

    (update,) = [body["ticket"] for body in fake.puts(TICKET)]
    assert update["group_id"] == 360000000003 and update["priority"] == "high"
    assert update["assignee_id"] is None and update["tags"] == [
        "billing",
        "vip",
        "escalated",
        "escalation_level_1",
        "escalation_reason_customer_cc",
        "escalation_active",
    ]
    assert {"id": 360010000001, "value": "escalation_active"} in update["custom_fields"]
    assert update["comment"]["public"] is False
    assert "escalation@acme.example" in update["comment"]["body"]
    assert len(fake.seen("GET")) == 2  # the escalation's reads; none for the event that could change nothing
    assert len(fake.notes(TICKET)) == 1


def test_event_from_the_integration_user_costs_no_api_call(service, fake):
    body = sample("event_comment_added.json")
    body["detail"]["actor_id"] = "900000000001"  # integration_user_id in the policy
    assert post(service, body).status_code == 202
    metrics = lambda: requests.get(f"{service}/metrics", timeout=2).text  # noqa: E731
    assert wait_until(lambda: 'escalator_inbox_rows{status="done"} 1' in metrics())
    assert fake.requests == []


def test_bad_signature_never_reaches_zendesk(service, fake):
    raw = json.dumps(sample("event_comment_added.json")).encode()
    answer = requests.post(
        f"{service}/webhooks/zendesk", data=raw, headers=signed_headers(raw, secret="wrong"), timeout=5
    )
    assert answer.status_code == 401
    time.sleep(0.5)
    assert fake.requests == []
