"""A fake of the chats the notices go to, on 127.0.0.1: Slack's incoming webhooks and Web API, a Teams Workflow.

It answers as their documentation shows:
- a Slack incoming webhook (POST /services/T…/B…/secret, JSON {text, blocks}) answers 200 with the body
  "ok"; a URL it does not know answers 404 "no_service", a body without text or blocks 400 "invalid_payload"
  (Slack's "Handling errors" for incoming webhooks);
- Slack's chat.postMessage (POST /api/chat.postMessage, `Authorization: Bearer xoxb-…`, JSON {channel, text,
  blocks}) answers 200 {"ok": true, "channel", "ts", "message"}; a wrong token {"ok": false, "error":
  "invalid_auth"}, an unknown channel {"ok": false, "error": "channel_not_found"};
- a Teams Workflows webhook ("When a Teams webhook request is received", POST /workflows/…?sig=…, a message
  with one Adaptive Card attachment) answers 202 Accepted with no body.
`outage` answers every request with that status until it is set back to None.
"""

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest

HOOK_PATH = "/services/T0001/B0001/hook-secret-0123456789"
TEAMS_PATH = "/workflows/0a1b2c/triggers/manual/paths/invoke"
TEAMS_QUERY = "api-version=1&sig=teams-secret-0123456789"
BOT_TOKEN = "xoxb-1234-5678-bot-secret"
CHANNELS = {
    "C0ESCALATE": "escalations",
    "escalations": "escalations",
    "C0123456789": "support-managers",
}  # examples/escalation.toml's channel, for the walkthrough


TARGETS = """
[[notify]]
name = "leads"
kind = "slack_webhook"
url_env = "{prefix}SLACK_WEBHOOK_URL"

[[notify]]
name = "managers"
kind = "slack_bot"
token_env = "{prefix}SLACK_BOT_TOKEN"
channel = "{channel}"
api_url = "{api}"

[[notify]]
name = "teams"
kind = "teams_workflow"
url_env = "{prefix}TEAMS_WORKFLOW_URL"
"""


@dataclass
class Posted:
    """One request as the fake received it."""

    path: str
    query: str
    body: dict | None
    headers: dict
    status: int
    at: float = field(default_factory=time.monotonic)


class FakeChat:
    """Records every request; `outage` (a status) makes it fail them all."""

    def __init__(self):
        self.requests: list[Posted] = []
        self.outage: int | None = None
        self.lock = threading.Lock()
        self.ts = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def slack_webhook(self) -> str:
        return self.url + HOOK_PATH

    @property
    def teams_workflow(self) -> str:
        return f"{self.url}{TEAMS_PATH}?{TEAMS_QUERY}"

    @property
    def slack_api(self) -> str:
        return self.url + "/api/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def delivered(self, path_start: str = "") -> list[dict]:
        """The bodies of the requests answered with success, oldest first."""
        with self.lock:
            return [p.body for p in self.requests if p.status < 300 and p.path.startswith(path_start)]

    def answer(self, path: str, query: str, body: dict | None, headers: dict) -> tuple[int, str, str]:
        """(status, content type, body) for one request."""
        if self.outage:
            return self.outage, "text/plain", "upstream connect error"
        if path == HOOK_PATH:
            if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
                return 400, "text/html", "invalid_payload"
            return 200, "text/html", "ok"
        if path.startswith("/services/"):
            return 404, "text/html", "no_service"
        if path == "/api/chat.postMessage":
            return 200, "application/json", json.dumps(self._post_message(body, headers))
        if path == TEAMS_PATH and query == TEAMS_QUERY:
            return 202, "text/plain", ""
        return 404, "application/json", json.dumps({"error": {"code": "TriggerRequestNotFound"}})

    def _post_message(self, body: dict | None, headers: dict) -> dict:
        if headers.get("authorization") != f"Bearer {BOT_TOKEN}":
            return {"ok": False, "error": "invalid_auth"}
        channel = CHANNELS.get((body or {}).get("channel"))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        ts = f"1700000000.{next(self.ts):06d}"
        return {
            "ok": True,
            "channel": "C0ESCALATE",
            "ts": ts,
            "message": {"type": "message", "text": body.get("text"), "ts": ts, "bot_id": "B0BOT"},
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                url, headers = urlparse(self.path), {k.lower(): v for k, v in self.headers.items()}
                status, kind, text = fake.answer(url.path, url.query, body, headers)
                with fake.lock:
                    fake.requests.append(Posted(url.path, url.query, body, headers, status))
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def chat():
    """A fake chat for one test."""
    fake = FakeChat()
    yield fake
    fake.stop()


def targets(chat: FakeChat, prefix: str = "", channel: str = "C0ESCALATE") -> str:
    """[[notify]] of each kind, pointed at `chat`, their variables named with `prefix`."""
    return TARGETS.format(prefix=prefix, api=chat.slack_api, channel=channel)


def secrets(chat: FakeChat, prefix: str = "") -> dict[str, str]:
    """The environment those targets read: each variable with its secret."""
    return {
        f"{prefix}SLACK_WEBHOOK_URL": chat.slack_webhook,
        f"{prefix}SLACK_BOT_TOKEN": BOT_TOKEN,
        f"{prefix}TEAMS_WORKFLOW_URL": chat.teams_workflow,
    }
