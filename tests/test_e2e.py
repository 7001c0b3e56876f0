"""End to end with real processes: gunicorn web + `escalator worker` against a fake Zendesk."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import SAMPLES, SECRET, sample, signed_headers
from fake_zendesk import FakeZendesk

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout=20.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return False


@pytest.fixture
def fake():
    ticket_id = 35436
    server = FakeZendesk({ticket_id: sample("ticket_cc.json")},
                         {ticket_id: sample("comments_cc.json")["comments"]}).start()
    yield server
    server.stop()


@pytest.fixture(params=["procfile", "embedded"])
def service(request, tmp_path, fake):
    """The Procfile pair (gunicorn web + escalator worker) or `escalator run` alone."""
    port = free_port()
    env = {**os.environ, "ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "bot@acme.example",
           "ZENDESK_API_TOKEN": "t0ken", "ZENDESK_WEBHOOK_SECRET": SECRET,
           "ZENDESK_API_URL": fake.url, "DATABASE_URL": f"sqlite:///{tmp_path}/inbox.db",
           "ESCALATOR_RULES": str(SAMPLES / "policy.toml"), "LOG_LEVEL": "INFO"}
    env.pop("ESCALATOR_DRY_RUN", None)
    logs = tmp_path / "logs"
    logs.mkdir()
    if request.param == "procfile":
        commands = {"web": [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket",
                            "zendesk_escalator.app:create_app()"],
                    "worker": [str(BIN / "escalator"), "worker", "--poll-interval", "0.05"]}
    else:
        env["PORT"] = str(port)
        commands = {"run": [str(BIN / "escalator"), "run", "--host", "127.0.0.1"]}
    procs = [subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=open(logs / f"{name}.out", "w"),
                              stderr=subprocess.STDOUT) for name, cmd in commands.items()]
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: _ready(base)), [p.read_text() for p in logs.iterdir()]
        yield base
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            assert proc.wait(timeout=15) == 0, "did not stop cleanly on SIGTERM"
        if os.environ.get("E2E_KEEP_LOGS"):
            shutil.copytree(logs, Path(os.environ["E2E_KEEP_LOGS"]), dirs_exist_ok=True)


def _ready(base: str) -> bool:
    try:
        return requests.get(f"{base}/readyz", timeout=1).status_code == 200
    except requests.ConnectionError:
        return False


def test_signed_cc_webhook_escalates_the_ticket_exactly_once(service, fake):
    raw = json.dumps(sample("event_comment_added.json")).encode()
    first = requests.post(f"{service}/webhooks/zendesk", data=raw, headers=signed_headers(raw), timeout=5)
    assert first.status_code == 202
    # Zendesk retrying the same event is a duplicate; a second, different event
    # for the same ticket finds it already escalated and changes nothing.
    again = requests.post(f"{service}/webhooks/zendesk", data=raw, headers=signed_headers(raw), timeout=5)
    assert again.status_code == 200
    assert wait_until(lambda: len(fake.puts(35436)) == 1)
    other = json.loads(raw)
    other["id"] = "another-event"
    raw2 = json.dumps(other).encode()
    assert requests.post(f"{service}/webhooks/zendesk", data=raw2, headers=signed_headers(raw2),
                         timeout=5).status_code == 202
    assert wait_until(lambda: _gets(fake) >= 4)
    time.sleep(0.5)

    puts = fake.puts(35436)
    assert len(puts) == 1
    update = puts[0]["ticket"]
    assert update["group_id"] == 360000000003 and update["priority"] == "high"
    assert update["tags"] == ["billing", "vip", "escalated", "escalation_level_1", "escalation_reason_customer_cc"]
    assert {"id": 360010000001, "value": "escalation_active"} in update["custom_fields"]
    assert update["comment"]["public"] is False
    assert "escalation@acme.example" in update["comment"]["body"]
    assert _gets(fake) == 4  # 2 reads per processed event, nothing else
    stored = fake.tickets[35436]["ticket"]
    assert "escalated" in stored["tags"]


def test_event_from_the_integration_user_costs_no_api_call(service, fake):
    body = sample("event_comment_added.json")
    body["detail"]["actor_id"] = "900000000001"  # integration_user_id in the policy
    raw = json.dumps(body).encode()
    assert requests.post(f"{service}/webhooks/zendesk", data=raw, headers=signed_headers(raw),
                         timeout=5).status_code == 202
    metrics = lambda: requests.get(f"{service}/metrics", timeout=2).text  # noqa: E731
    assert wait_until(lambda: 'escalator_inbox_rows{status="done"} 1' in metrics())
    assert fake.requests == []


def test_bad_signature_never_reaches_zendesk(service, fake):
    raw = json.dumps(sample("event_comment_added.json")).encode()
    answer = requests.post(f"{service}/webhooks/zendesk", data=raw,
                           headers=signed_headers(raw, secret="wrong"), timeout=5)
    assert answer.status_code == 401
    time.sleep(0.5)
    assert fake.requests == []


def _gets(fake) -> int:
    with fake.lock:
        return sum(1 for method, _, _ in fake.requests if method == "GET")
