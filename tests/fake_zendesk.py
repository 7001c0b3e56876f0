"""A small fake Zendesk API on 127.0.0.1 for end-to-end runs with real processes.

Serves GET /api/v2/tickets/{id}.json, GET .../comments.json and PUT
/api/v2/tickets/{id}.json with the Zendesk semantics that matter here: tags and
custom fields replace, comments append, safe_update conflicts answer 409.
`fault` lets a test answer some requests with errors, Retry-After or delays.
"""

import copy
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

TICKET = re.compile(r"^/api/v2/tickets/(\d+)\.json$")
COMMENTS = re.compile(r"^/api/v2/tickets/(\d+)/comments\.json$")
NOTE_MARK = "Escalated by zendesk-escalator"


@dataclass
class Fault:
    """How to answer one request instead of (or before) the normal answer."""

    status: int | None = None  # None: answer normally (after `delay`)
    body: dict = field(default_factory=lambda: {"error": "Injected"})
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    """One request as the fake received it."""

    method: str
    path: str
    body: dict | None
    at: float
    status: int = 0


class FakeZendesk:
    """Holds tickets and records every request; run with start() / stop()."""

    def __init__(self, tickets: dict[int, dict], comments: dict[int, list] | None = None,
                 fault: Callable[[str, str, int], Fault | None] | None = None):
        self.tickets = copy.deepcopy(tickets)  # id -> {"ticket": ..., "users": [...]}
        self.comments = copy.deepcopy(comments or {})  # id -> [comment, ...] oldest first
        self.fault = fault
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeZendesk":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def seen(self, method: str | None = None, ticket_id: int | None = None) -> list[Seen]:
        """Requests received, optionally only one method and/or one ticket."""
        with self.lock:
            return [r for r in self.requests if (method is None or r.method == method)
                    and (ticket_id is None or f"/tickets/{ticket_id}" in r.path)]

    def puts(self, ticket_id: int) -> list[dict]:
        """Bodies of the successful PUTs for one ticket."""
        return [r.body for r in self.seen("PUT", ticket_id) if r.status == 200]

    def notes(self, ticket_id: int) -> list[str]:
        """Escalation notes the ticket carries now."""
        with self.lock:
            return [c["body"] for c in self.comments.get(ticket_id, []) if c["body"].startswith(NOTE_MARK)]

    def handle(self, method: str, path: str, body: dict | None) -> tuple[int, dict, dict]:
        """Answer one request: (status, body, headers)."""
        seen = Seen(method, path, body, time.monotonic())
        with self.lock:
            self.requests.append(seen)
            count = len(self.requests)
        fault = self.fault(method, path, count) if self.fault else None
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.status:
            seen.status = fault.status
            return fault.status, fault.body, fault.headers
        with self.lock:
            seen.status, answer = self._answer(method, path, body)
        return seen.status, answer, {}

    def _answer(self, method: str, path: str, body: dict | None) -> tuple[int, dict]:
        if method == "GET" and (m := TICKET.match(path)):
            found = self.tickets.get(int(m.group(1)))
            return (200, copy.deepcopy(found)) if found else (404, {"error": "RecordNotFound"})
        if method == "GET" and (m := COMMENTS.match(path)):
            latest = list(reversed(self.comments.get(int(m.group(1)), [])))[:1]
            return 200, {"comments": copy.deepcopy(latest), "next_page": None, "previous_page": None}
        if method == "PUT" and (m := TICKET.match(path)) and int(m.group(1)) in self.tickets:
            return self._update(int(m.group(1)), body["ticket"])
        return 404, {"error": "InvalidEndpoint"}

    def touch(self, ticket_id: int) -> None:
        """Simulate an agent changing the ticket (next safe_update with the old stamp gets 409)."""
        with self.lock:
            self.tickets[ticket_id]["ticket"]["updated_at"] = _stamp()

    def _update(self, ticket_id: int, changes: dict) -> tuple[int, dict]:
        ticket = self.tickets[ticket_id]["ticket"]
        if changes.get("safe_update") and changes.get("updated_stamp") != ticket["updated_at"]:
            return 409, {"error": "UpdateConflict", "description": "Safe Update prevented the update"}
        for key in ("group_id", "assignee_id", "priority", "tags"):
            if key in changes:
                ticket[key] = changes[key]
        values = {f["id"]: f["value"] for f in changes.get("custom_fields", [])}
        for custom in ticket.get("custom_fields", []):
            custom["value"] = values.pop(custom["id"], custom["value"])
        followers = ticket.setdefault("follower_ids", [])
        followers += [f["user_id"] for f in changes.get("followers", []) if f["user_id"] not in followers]
        if "comment" in changes:
            self.comments.setdefault(ticket_id, []).append(
                {"id": 90000 + len(self.requests), "body": changes["comment"]["body"],
                 "public": changes["comment"].get("public", True), "author_id": 900000000001, "via": {}})
        ticket["updated_at"] = _stamp()
        return 200, {"ticket": copy.deepcopy(ticket), "audit": {"id": len(self.requests), "events": []}}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                status, answer, headers = fake.handle(self.command, self.path.split("?")[0], body)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    for key, value in {"Content-Type": "application/json", **headers}.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and went away: Zendesk applies the change anyway

            do_GET = do_PUT = _serve

            def log_message(self, *args):
                pass

        return Handler


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def cc_ticket(ticket_id: int, template: dict, comments_template: dict) -> tuple[dict, list]:
    """A copy of the recorded CC ticket under another id (and its comments)."""
    ticket = copy.deepcopy(template)
    ticket["ticket"]["id"] = ticket_id
    return ticket, copy.deepcopy(comments_template["comments"])
