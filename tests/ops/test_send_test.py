"""`escalator send-test` against the real app served over HTTP: a good secret, a wrong one, none, no service."""

import threading
from datetime import timedelta

import pytest
from conftest import SECRET
from support.processes import free_port
from werkzeug.serving import make_server

from zendesk_escalator.app import create_app
from zendesk_escalator.cli import main
from zendesk_escalator.ops.send_test import send_test, trigger_body
from zendesk_escalator.schemas.webhooks import load_trigger
from zendesk_escalator.store.schema import PENDING
from zendesk_escalator.wiring import utcnow


@pytest.fixture
def service(settings, policy, inbox):
    """The web app on 127.0.0.1, as `escalator run` serves it (its inbox is `inbox`)."""
    server = make_server("127.0.0.1", 0, create_app(settings, policy, inbox), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def url(server) -> str:
    return f"http://127.0.0.1:{server.server_port}/webhooks/zendesk"


def test_the_body_fills_in_only_what_can_be_known():
    body = trigger_body(35436, utcnow())
    assert set(body) == {"ticket_id", "updated_at"} and body["ticket_id"] == "35436"
    note = load_trigger(body)
    assert (note.ticket_id, note.tags, note.actor_id) == (35436, None, None)  # no made-up hints: the worker reads


def test_the_right_secret_is_stored_for_the_worker(service, inbox, capsys):
    assert send_test(url(service), 35436, (SECRET, "old"), utcnow() - timedelta(seconds=1)) == 0
    assert send_test(url(service), 35436, (SECRET,), utcnow()) == 0  # its body names another moment: stored too
    rows = inbox.rows(PENDING)
    assert [row.ticket_id for row in rows] == [35436, 35436]
    out = capsys.readouterr().out
    assert '→ 202 {"status":"accepted","ticket_id":35436}' in out
    assert "Stored: the worker will read ticket 35436 from Zendesk" in out


def test_a_wrong_secret_is_refused_and_explained(service, inbox, capsys):
    assert send_test(url(service), 35436, ("not-the-secret",), utcnow()) == 1
    out = capsys.readouterr().out
    assert "→ 401" in out and "the signature does not match" in out and "ZENDESK_WEBHOOK_SECRET" in out
    assert inbox.rows() == []


def test_no_secret_here_is_refused_and_explained(service, inbox, capsys):
    assert send_test(url(service), 35436, (), utcnow()) == 1
    assert "requires a signature. Set ZENDESK_WEBHOOK_SECRET here" in capsys.readouterr().out


def test_no_service_at_the_address(capsys):
    assert send_test(f"http://127.0.0.1:{free_port()}/webhooks/zendesk", 1, (SECRET,), utcnow()) == 1
    assert "Cannot connect (connection refused): the service is not running at" in capsys.readouterr().out


def test_through_the_command_line_on_the_default_address(service, inbox, monkeypatch):
    monkeypatch.setenv("PORT", str(service.server_port))
    monkeypatch.setenv("ZENDESK_WEBHOOK_SECRET", SECRET)
    assert main(["send-test", "--ticket", "35436"]) == 0
    assert [row.ticket_id for row in inbox.rows(PENDING)] == [35436]
