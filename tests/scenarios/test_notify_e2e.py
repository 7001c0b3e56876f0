"""Chat notices with the real processes: the Procfile's web (gunicorn) and `escalator worker`, a fake Zendesk and a
fake of Slack's incoming webhook, Slack's chat.postMessage and a Teams Workflow on 127.0.0.1.
"""

import json
import time

import pytest
import requests
from conftest import SAMPLES, sample, signed_headers
from support.databases import open_inbox
from support.fake_chat import FakeChat, secrets, targets
from support.processes import Procs, free_port, service_env, wait_until
from support.service import TICKET, cc_fake

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(tmp_path):
    fake, chat = cc_fake(), FakeChat()
    rules = tmp_path / "escalation.toml"
    rules.write_text((SAMPLES / "policy.toml").read_text() + targets(chat))
    database = f"sqlite:///{tmp_path}/inbox.db"
    procs = Procs(
        service_env(fake.url, database, ESCALATOR_RULES=rules, ESCALATOR_RETRY_BASE_SECONDS="0.2", **secrets(chat)),
        tmp_path / "logs",
    )
    port = free_port()
    try:
        procs.web(port, workers=1)
        yield f"http://127.0.0.1:{port}", procs, fake, chat, database
    finally:
        assert procs.stop_all() == [0] * len(procs.running), "did not stop cleanly on SIGTERM"
        fake.stop()
        chat.stop()


def post(base: str, body: dict) -> int:
    raw = json.dumps(body).encode()
    return requests.post(f"{base}/webhooks/zendesk", data=raw, headers=signed_headers(raw), timeout=5).status_code


def notice_rows(database: str) -> list:
    inbox = open_inbox(database)
    try:
        return [row for row in inbox.rows() if row.kind == "notice"]
    finally:
        inbox.database.close()


def test_an_escalation_tells_each_target_once_through_restarts_and_redeliveries(world):
    base, procs, fake, chat, database = world
    worker = procs.worker()
    assert post(base, sample("event_comment_added.json")) == 202
    assert wait_until(lambda: len(chat.delivered()) == 3), procs.tail()
    procs.stop(worker)
    procs.worker()  # a restart
    assert post(base, sample("event_comment_added.json")) == 200  # Zendesk's redelivery of the same event
    assert post(base, {**sample("event_comment_added.json"), "id": "a-later-event"}) == 202
    assert wait_until(
        lambda: (
            all(row.status == "done" for row in notice_rows(database))
            and len(fake.seen("PUT")) == 1
            and _handled(database) == 2
        )
    ), procs.tail()
    time.sleep(1)  # time for a second notice, were there one
    assert len(fake.puts(TICKET)) == 1
    assert sorted(p.path for p in chat.requests) == sorted(
        [
            "/services/T0001/B0001/hook-secret-0123456789",
            "/api/chat.postMessage",
            "/workflows/0a1b2c/triggers/manual/paths/invoke",
        ]
    )


def test_a_chat_outage_leaves_the_update_on_time_and_the_notices_go_once_it_is_over(world):
    base, procs, fake, chat, database = world
    chat.outage = 500
    procs.worker()
    started = time.monotonic()
    assert post(base, sample("event_comment_added.json")) == 202
    assert wait_until(lambda: len(fake.puts(TICKET)) == 1, timeout=10), procs.tail()
    updated = time.monotonic() - started
    assert wait_until(lambda: sum(p.status == 500 for p in chat.requests) >= 6), procs.tail()  # each tried twice
    assert chat.delivered() == [] and len(fake.puts(TICKET)) == 1
    chat.outage = None
    assert wait_until(lambda: len(chat.delivered()) == 3, timeout=30), procs.tail()
    time.sleep(1)
    assert len(chat.delivered()) == 3 and len(fake.puts(TICKET)) == 1
    assert updated < 5  # the update never waited for the chat
    metrics = requests.get(f"{base}/metrics", timeout=2).text
    assert 'escalator_notices_total{kind="teams_workflow",result="sent"} 1.0' in metrics


def _handled(database: str) -> int:
    inbox = open_inbox(database)
    try:
        return sum(row.kind == "notification" and row.status == "done" for row in inbox.rows())
    finally:
        inbox.database.close()
