"""A small fake Zendesk API on 127.0.0.1 for end-to-end runs with real processes.

Serves GET /api/v2/tickets/{id}.json, GET .../comments.json and PUT
/api/v2/tickets/{id}.json with Zendesk's semantics that matter here: tags and
custom fields replace, comments append, safe_update conflicts answer 409.
"""

import copy
import json
import re
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TICKET = re.compile(r"^/api/v2/tickets/(\d+)\.json$")
COMMENTS = re.compile(r"^/api/v2/tickets/(\d+)/comments\.json$")


class FakeZendesk:
    """Holds tickets and records every request; run with start() / stop()."""

    def __init__(self, tickets: dict[int, dict], comments: dict[int, list]):
        self.tickets = copy.deepcopy(tickets)  # id -> {"ticket": ..., "users": [...]}
        self.comments = copy.deepcopy(comments)  # id -> [comment, ...] oldest first
        self.requests: list[tuple[str, str, dict | None]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
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

    def puts(self, ticket_id: int) -> list[dict]:
        """Bodies of the PUTs received for one ticket."""
        with self.lock:
            return [body for method, path, body in self.requests
                    if method == "PUT" and path == f"/api/v2/tickets/{ticket_id}.json"]

    def handle(self, method: str, path: str, body: dict | None) -> tuple[int, dict]:
        """Answer one request (override in tests to inject faults)."""
        with self.lock:
            self.requests.append((method, path, body))
            if method == "GET" and (m := TICKET.match(path)):
                found = self.tickets.get(int(m.group(1)))
                return (200, found) if found else (404, {"error": "RecordNotFound"})
            if method == "GET" and (m := COMMENTS.match(path)):
                latest = list(reversed(self.comments.get(int(m.group(1)), [])))[:1]
                return 200, {"comments": latest, "next_page": None, "previous_page": None}
            if method == "PUT" and (m := TICKET.match(path)):
                return self._update(int(m.group(1)), body["ticket"])
        return 404, {"error": "InvalidEndpoint"}

    def _update(self, ticket_id: int, changes: dict) -> tuple[int, dict]:
        ticket = self.tickets[ticket_id]["ticket"]
        if changes.get("safe_update") and changes.get("updated_stamp") != ticket["updated_at"]:
            return 409, {"error": "UpdateConflict", "description": "Safe Update prevented the update"}
        for key in ("group_id", "assignee_id", "priority", "tags"):
            if key in changes:
                ticket[key] = changes[key]
        values = {f["id"]: f["value"] for f in changes.get("custom_fields", [])}
        for field in ticket.get("custom_fields", []):
            field["value"] = values.pop(field["id"], field["value"])
        ticket["follower_ids"] = ticket.get("follower_ids", []) + [
            f["user_id"] for f in changes.get("followers", []) if f["user_id"] not in ticket.get("follower_ids", [])]
        if "comment" in changes:
            self.comments.setdefault(ticket_id, []).append(
                {"id": 90000 + len(self.requests), "body": changes["comment"]["body"],
                 "public": changes["comment"].get("public", True), "author_id": 900000000001, "via": {}})
        ticket["updated_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return 200, {"ticket": ticket, "audit": {"id": len(self.requests), "events": []}}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                status, answer = fake.handle(self.command, self.path.split("?")[0], body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = _serve

            def log_message(self, *args):
                pass

        return Handler
