"""Logs: one JSON line per webhook and per decision, text for a person, and never a secret."""

import base64
import io
import json
import logging
from pathlib import Path

import pytest
import requests
from conftest import sample, signed_headers
from support.processes import Procs, free_port, service_env, wait_until
from support.service import TICKET, Service, cc_fake

from zendesk_escalator.observability.logs import REDACTED, configure_logging
from zendesk_escalator.settings import Settings

EVENT_TYPE = "zen:event-type:ticket.comment_added"


@pytest.fixture
def captured():
    """Configure logging for given settings into a buffer; give back its lines."""
    buffer = io.StringIO()

    def configure(settings: Settings):
        configure_logging(settings, stream=buffer)
        return lambda: buffer.getvalue().splitlines()

    yield configure
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "escalator", False)]:
        root.removeHandler(handler)


@pytest.fixture
def fake():
    server = cc_fake()
    yield server
    server.stop()


def test_one_json_line_per_webhook_and_per_decision(tmp_path, fake, captured):
    service = Service(tmp_path, fake)
    lines = captured(service.settings)
    event = sample("event_comment_added.json")
    service.post(event)
    service.post(event)
    raw = json.dumps(event).encode()
    service.http.post("/webhooks/zendesk", data=raw, headers=signed_headers(raw, secret="wrong"))
    service.work()
    records = [json.loads(line) for line in lines()]  # every line is one JSON object
    assert all({"time", "level", "logger", "pid", "message"} <= set(record) for record in records)
    webhooks = [r for r in records if r["logger"] == "zendesk_escalator.webhooks"]
    assert [(r["ticket_id"], r["source"], r["result"], r["status"], r["level"]) for r in webhooks] == [
        (TICKET, EVENT_TYPE, "accepted", 202, "INFO"),
        (TICKET, EVENT_TYPE, "duplicate", 200, "INFO"),
        (None, None, "bad_signature", 401, "WARNING"),
    ]
    assert all(0 <= r["duration_ms"] < 5000 for r in webhooks)
    assert webhooks[2]["message"].startswith("webhook bad_signature (401) in ")  # no "for ticket None"
    (decision,) = [r for r in records if "outcome" in r]
    assert decision["message"] == "ticket 35436: escalated (customer_cc at level 1)"
    assert {key: decision[key] for key in ("ticket_id", "kind", "rule", "outcome", "api_calls", "coalesced")} == {
        "ticket_id": TICKET,
        "kind": "notification",
        "rule": "customer_cc",
        "outcome": "escalated",
        "api_calls": 3,
        "coalesced": 1,
    }


def test_text_lines_for_a_person(tmp_path, fake, captured):
    service = Service(tmp_path, fake, log_format="text")
    lines = captured(service.settings)
    service.post(sample("event_comment_added.json"))
    (line,) = lines()
    assert " INFO zendesk_escalator.webhooks: webhook accepted (202) for ticket 35436 in " in line
    assert not line.startswith("{")


def test_secrets_are_blanked_out_wherever_a_line_holds_them(captured):
    settings = Settings(
        subdomain="acme",
        email="bot@acme.example",
        api_token="api-Token-0123456789",
        oauth_token="oauth-0123456789",
        admin_token='admin"quoted\\0123',
        webhook_secrets=("whsec-new-0123456789", "whsec-old-0123456789"),
    )
    basic = base64.b64encode(b"bot@acme.example/token:api-Token-0123456789").decode()
    lines = captured(settings)
    log = logging.getLogger("test.secrets")
    log.warning("token %s, bearer %s, basic %s", settings.api_token, settings.oauth_token, basic)
    log.warning("secrets %s", settings.webhook_secrets)
    log.warning("admin", extra={"admin": settings.admin_token})  # as JSON: admin\"quoted\\0123
    try:
        raise RuntimeError(f"refused {settings.webhook_secrets[1]}")
    except RuntimeError:
        log.exception("with a traceback")
    text = "\n".join(lines())
    for secret in ("api-Token-0123456789", "oauth-0123456789", basic, "whsec-new", "whsec-old", "quoted"):
        assert secret not in text
    assert text.count(REDACTED) == 7
    assert all(json.loads(line) for line in lines() if line.startswith("{"))


def test_an_oauth_run_logs_no_token_even_at_debug(tmp_path, fake, captured):
    service = Service(
        tmp_path, fake, email=None, api_token=None, oauth_token="oauth-SECRET-0123456789", log_level="DEBUG"
    )
    lines = captured(service.settings)
    assert service.post(sample("event_comment_added.json")).status_code == 202
    service.work()
    assert len(fake.puts(TICKET)) == 1
    assert any("urllib3" in line for line in lines())  # the HTTP library's own lines are there
    assert not [line for line in lines() if "oauth-SECRET" in line or REDACTED in line]


@pytest.mark.e2e
def test_no_secret_in_any_log_line_of_the_procfile_pair(tmp_path, fake):
    new, old, token, admin = "whsec-NEW-0123456789", "whsec-OLD-0123456789", "api-TOKEN-0123456789", "admin-0123456789"
    env = service_env(
        fake.url,
        f"sqlite:///{tmp_path}/inbox.db",
        ZENDESK_API_TOKEN=token,
        ZENDESK_WEBHOOK_SECRET=f"{new},{old}",
        ESCALATOR_ADMIN_TOKEN=admin,
        LOG_LEVEL="DEBUG",
    )
    procs = Procs(env, tmp_path / "logs")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    sent_signatures = []

    def post(body: dict, secret: str) -> int:
        raw = json.dumps(body).encode()
        headers = {**signed_headers(raw, secret=secret), "Authorization": f"Bearer {admin}"}
        sent_signatures.append(headers["X-Zendesk-Webhook-Signature"])
        return requests.post(f"{base}/webhooks/zendesk", data=raw, headers=headers, timeout=5).status_code

    try:
        procs.web(port)
        procs.worker()
        event = sample("event_comment_added.json")
        assert [post(event, new), post({**event, "id": "rotated"}, old), post(event, "wrong")] == [202, 202, 401]
        assert wait_until(
            lambda: (
                len(fake.puts(TICKET)) == 1 and 'status="done"} 2' in requests.get(f"{base}/metrics", timeout=2).text
            )
        )
    finally:
        procs.stop_all()
    basic = base64.b64encode(f"bot@acme.example/token:{token}".encode()).decode()
    lines = [line for log in sorted(Path(tmp_path / "logs").glob("*.log")) for line in log.read_text().splitlines()]
    assert any('"outcome": "escalated"' in line for line in lines)
    assert all(json.loads(line) for line in lines)  # gunicorn's own lines too
    for secret in (new, old, token, admin, basic, *sent_signatures):
        assert not [line for line in lines if secret in line], secret
