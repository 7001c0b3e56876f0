"""A small fake Zendesk API on 127.0.0.1 for runs with real HTTP (in-process or real processes).

It keeps the Zendesk semantics the service depends on:
- GET tickets/{id}.json (?include=users sideloads the users the ticket names);
- GET tickets/{id}/comments.json oldest first, or newest first with sort=-created_at
  (cursor form) or sort_order=desc (offset form), page[size]/per_page, ?include=users;
- POST tickets.json creates a ticket (and its requester, by email), with Zendesk's Idempotency-Key:
  kept two hours; the same body answers the first ticket (x-idempotency-lookup: hit),
  another body 400 IdempotentRequestError;
- PUT tickets/{id}.json: tags and custom fields replace, comments append, safe_update
  answers 409 on a stale stamp, `"assignee_id": null` unassigns, an assignee who is not a
  member of the ticket's group answers 422 (as Zendesk does), a drop-down field follows
  the tags sent with it, `followers` are ignored on accounts without "CCs and followers"
  (tickets without follower_ids) where `additional_collaborators` adds collaborators, a
  ticket at the comment limit answers 422 to any update that adds a comment, and a closed
  ticket answers 422 "closed prevents ticket update" to any update;
- PUT tickets/update_many.json?ids=… with {"ticket": {"additional_tags": […], "remove_tags": […]}}
  (bulk mode) answers a queued job_status and adds and removes those tags, closed tickets
  included: Zendesk's tags documentation names this endpoint for a closed ticket's tags.
Every request it receives is checked against Zendesk's API description (contract_check.py).
`token` makes it refuse other API tokens (401), `hidden` tickets and an integration user who is no
longer an agent get 403, and users/me.json says who the credentials are (a `bearers` token: its user).
`fault` lets a test answer some requests with errors, Retry-After or delays; `endpoints`
adds more of the API (objects with answer(fake, method, path, query, body) -> (status, body),
(status, body, headers) or None), each in its own module.
"""

import base64
import copy
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlparse

from support import contract_check

TICKET = re.compile(r"^/api/v2/tickets/(\d+)\.json$")
UPDATE_MANY = "/api/v2/tickets/update_many.json"
COMMENTS = re.compile(r"^/api/v2/tickets/(\d+)/comments\.json$")
NOTE_MARK = "Escalated by zendesk-escalator"
INTEGRATION_USER = 900000000001
NOT_A_MEMBER = {
    "error": "RecordInvalid",
    "description": "Record validation errors",
    "details": {
        "assignee": [
            {"description": "Assignee: is invalid", "error": "InvalidValue"},
            {"description": "Assignee: is not a member of the group"},
        ]
    },
}
# Zendesk documents only "a 422 error" at the limit; this body is our stand-in.
COMMENT_LIMIT_REACHED = {
    "error": "RecordInvalid",
    "description": "Record validation errors",
    "details": {"base": [{"description": "Comments limit reached for this ticket"}]},
}
# A closed ticket takes no single-ticket update ("To update tags for closed tickets, use the Update Many
# Tickets endpoint": developer.zendesk.com, Tags); Zendesk's answer as the issue report saw it.
CLOSED_PREVENTS_UPDATE = {
    "error": "RecordInvalid",
    "description": "Record validation errors",
    "details": {"status": [{"description": "Status: closed prevents ticket update"}]},
}
NOT_AUTHENTICATED = {"error": "Couldn't authenticate you"}  # Zendesk's 401 body for a wrong email or token
FORBIDDEN = {
    "error": "Forbidden",
    "description": "You do not have access to this page. Please contact the "
    "account owner of this help desk for further help.",
}
STAFF = ("agent", "admin")
KEY_MISMATCH = {
    "error": "IdempotentRequestError",
    "description": "Request parameters don't match the given idempotency key",
}
IDEMPOTENCY_WINDOW = 2 * 3600


@dataclass
class Fault:
    """How to answer one request instead of (or before) the normal answer."""

    status: int | None = None  # None: answer normally (after `delay`)
    body: dict = field(default_factory=lambda: {"error": "Injected"})
    headers: dict = field(default_factory=dict)  # names in lower case
    delay: float = 0.0


@dataclass
class Seen:
    """One request as the fake received it."""

    method: str
    path: str
    body: dict | None
    at: float
    query: dict = field(default_factory=dict)
    status: int = 0
    order: int = 0  # its place in the one order of everything the fake did (0: refused by a fault)
    when: float = 0.0  # the fake's own clock (injected in tests that move time)
    headers: dict = field(default_factory=dict)  # names in lower case


class FakeZendesk:
    """Holds tickets, comments, users and groups; records every request; start() / stop()."""

    def __init__(
        self,
        tickets: dict[int, dict],
        comments: dict[int, list] | None = None,
        fault: Callable[[str, str, int], Fault | None] | None = None,
        users: list[dict] | None = None,
        groups: dict[int, set[int]] | None = None,
        dropdowns: dict[int, list[str]] | None = None,
        comment_limit: int = 5000,
        endpoints: list | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.tickets = {tid: copy.deepcopy(t["ticket"]) for tid, t in tickets.items()}
        self.users = {
            INTEGRATION_USER: {
                "id": INTEGRATION_USER,
                "name": "Escalator",
                "email": "bot@acme.example",
                "role": "admin",
            }
        }
        self.users.update({u["id"]: copy.deepcopy(u) for t in tickets.values() for u in t.get("users", [])})
        self.users.update({u["id"]: copy.deepcopy(u) for u in users or []})
        self.comments = copy.deepcopy(comments or {})  # id -> [comment, ...] oldest first
        self.groups = groups or {}  # group id -> member ids (groups not listed accept anyone)
        self.dropdowns = dropdowns or {}  # field id -> option tags
        self.comment_limit = comment_limit
        self.endpoints = list(endpoints or [])
        self.clock = clock  # Zendesk's time: timestamps it writes, windows it keeps
        self.metric_sets: dict[int, dict] = {}  # ticket id -> its metric set (replies, ...)
        self.status_log: dict[int, list[dict]] = {}  # ticket id -> status changes, for the audits
        self.priority_log: dict[int, list[dict]] = {}  # ticket id -> priority changes, for the audits
        self.idempotency: dict[str, tuple[float, dict, int]] = {}  # key -> (when, body, ticket id created)
        self.fault = fault
        self.token: str | None = None  # when set, only this API token (with any email) authenticates: else 401
        self.hidden: set[int] = set()  # tickets the integration user may not see: 403
        self.bearers: dict[str, int] = {}  # OAuth access token -> user id: users/me.json answers that user
        self.requests: list[Seen] = []
        self.sequence = itertools.count(1)  # what the fake did, in order (take under the lock)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        contract_check.served.add(self.url.removeprefix("http://"))

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
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and (ticket_id is None or f"/tickets/{ticket_id}" in r.path)
            ]

    def puts(self, ticket_id: int) -> list[dict]:
        """Bodies of the successful PUTs for one ticket: what Zendesk received and applied."""
        return [r.body for r in self.seen("PUT", ticket_id) if r.status == 200]

    def notes(self, ticket_id: int) -> list[str]:
        """Escalation notes the ticket carries now."""
        with self.lock:
            return [c["body"] for c in self.comments.get(ticket_id, []) if c["body"].startswith(NOTE_MARK)]

    def add_comment(
        self, ticket_id: int, author_id: int, body: str, public: bool = True, via: dict | None = None
    ) -> dict:
        """Someone writes on the ticket (as the agent UI or an email would)."""
        with self.lock:
            ticket = self.tickets[ticket_id]
            if self.users.get(author_id, {}).get("role") == "end-user" and ticket.get("status") in (
                "pending",
                "solved",
            ):
                self._set_status(ticket, "open", author_id)  # Zendesk reopens a ticket the customer answers
            self.changed(ticket)
            return self._append_comment(ticket_id, author_id, body, public, via or {"channel": "web"})

    def set_status(self, ticket_id: int, status: str, author_id: int) -> None:
        """An agent changes the status (solves, puts on hold ...)."""
        with self.lock:
            self._set_status(self.tickets[ticket_id], status, author_id)
            self.changed(self.tickets[ticket_id])

    def _set_status(self, ticket: dict, status: str, author_id: int) -> None:
        self.status_log.setdefault(ticket["id"], []).append(
            {
                "at": _stamp(self.clock(), seconds=True),
                "author_id": author_id,
                "value": status,
                "previous_value": ticket.get("status"),
            }
        )
        ticket["status"] = status

    def set_priority(self, ticket_id: int, priority: str, author_id: int) -> None:
        """Someone changes the priority (an agent in the UI, or the customer's web form)."""
        with self.lock:
            self._set_priority(self.tickets[ticket_id], priority, author_id)
            self.changed(self.tickets[ticket_id])

    def _set_priority(self, ticket: dict, priority: str | None, author_id: int) -> None:
        if priority != ticket.get("priority"):
            self.priority_log.setdefault(ticket["id"], []).append(
                {
                    "at": _stamp(self.clock(), seconds=True),
                    "author_id": author_id,
                    "value": priority,
                    "previous_value": ticket.get("priority"),
                }
            )
        ticket["priority"] = priority

    def set_field(self, ticket_id: int, field_id: int, value) -> None:
        """An agent sets a custom field (a drop-down's option tag follows, as in Zendesk)."""
        with self.lock:
            self._apply_fields_and_tags(self.tickets[ticket_id], {"custom_fields": [{"id": field_id, "value": value}]})
            self.changed(self.tickets[ticket_id])

    def touch(self, ticket_id: int) -> None:
        """Simulate an agent changing the ticket (next safe_update with the old stamp gets 409)."""
        with self.lock:
            self.changed(self.tickets[ticket_id])

    def handle(
        self, method: str, path: str, query: dict, body: dict | None, headers: dict | None = None
    ) -> tuple[int, dict, dict]:
        """Answer one request: (status, body, headers)."""
        seen = Seen(method, path, body, time.monotonic(), query, when=self.clock(), headers=headers or {})
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
            refused = self._refusal(path, seen.headers)
            if refused:
                seen.status = refused[0]
                return *refused, {}
            seen.order = next(self.sequence)
            if method == "POST" and path == "/api/v2/tickets.json":
                seen.status, answer, extra = self._create(body, seen.headers.get("idempotency-key"))
                return seen.status, answer, extra
            seen.status, answer, *extra = self._answer(method, path, query, body, seen.headers)
        return seen.status, answer, extra[0] if extra else {}

    def _refusal(self, path: str, headers: dict) -> tuple[int, dict] | None:
        """401 for credentials other than `token`; 403 when the integration user may not see this ticket."""
        kind, _, value = headers.get("authorization", "").partition(" ")
        if self.token is not None and kind != "Bearer" and not path.startswith("/oauth/"):  # a user's sign-in
            try:
                secret = base64.b64decode(value).decode().partition("/token:")[2] if kind == "Basic" else None
            except ValueError:
                secret = None
            if secret != self.token:
                return 401, dict(NOT_AUTHENTICATED)
        ticket = re.match(r"^/api/v2/tickets/(\d+)[/.]", path)
        user = self.users[INTEGRATION_USER]
        if ticket and (int(ticket.group(1)) in self.hidden or user.get("role") not in STAFF):
            return 403, copy.deepcopy(FORBIDDEN)
        return None

    def _create(self, body: dict, key: str | None) -> tuple[int, dict, dict]:
        kept = self.idempotency.get(key) if key else None
        if kept and self.clock() - kept[0] < IDEMPOTENCY_WINDOW:
            if kept[1] != body:
                return 400, copy.deepcopy(KEY_MISMATCH), {}
            return 201, {"ticket": copy.deepcopy(self.tickets[kept[2]])}, {"x-idempotency-lookup": "hit"}
        fields = copy.deepcopy(body["ticket"])
        note, requester = fields.pop("comment"), fields.pop("requester", None)
        ticket = {
            "id": max(self.tickets, default=0) + 1,
            "status": "new",
            "tags": [],
            "custom_fields": [],
            "submitter_id": INTEGRATION_USER,
            "requester_id": self._user_for(requester),
            **fields,
        }
        self.tickets[ticket["id"]] = ticket
        self.changed(ticket)
        ticket["created_at"] = ticket["updated_at"]
        self._append_comment(ticket["id"], INTEGRATION_USER, note["body"], note.get("public", True), {"channel": "api"})
        if key:
            self.idempotency[key] = (self.clock(), copy.deepcopy(body), ticket["id"])
        return 201, {"ticket": copy.deepcopy(ticket)}, {"x-idempotency-lookup": "miss"} if key else {}

    def _user_for(self, requester: dict | None) -> int:
        """The requester's id: the user with that address, or one created on the fly as Zendesk does."""
        if not requester:
            return INTEGRATION_USER
        found = next((u["id"] for u in self.users.values() if u.get("email") == requester["email"]), None)
        if found is None:
            found = max(self.users) + 1
            self.users[found] = {
                "id": found,
                "name": requester.get("name") or requester["email"],
                "email": requester["email"],
                "role": "end-user",
            }
        return found

    def _answer(self, method: str, path: str, query: dict, body: dict | None, headers: dict) -> tuple:
        if method == "GET" and path == "/api/v2/users/me.json":
            kind, _, token = headers.get("authorization", "").partition(" ")
            if kind == "Bearer":  # a user's OAuth access token (fake_oauth.py hands them out)
                user = self.users.get(self.bearers.get(token))
                return (200, {"user": copy.deepcopy(user)}) if user else (401, {"error": "invalid_token"})
            return 200, {"user": copy.deepcopy(self.users[INTEGRATION_USER])}
        if method == "GET" and (m := TICKET.match(path)):
            ticket = self.tickets.get(int(m.group(1)))
            if ticket is None:
                return 404, {"error": "RecordNotFound", "description": "Not found"}
            answer = {"ticket": copy.deepcopy(ticket)}
            if "users" in query.get("include", ""):
                answer["users"] = self._users(_ticket_user_ids(ticket))
            return 200, answer
        if method == "GET" and (m := COMMENTS.match(path)):
            return self._list_comments(int(m.group(1)), query)
        if method == "PUT" and (m := TICKET.match(path)) and int(m.group(1)) in self.tickets:
            return self._update(int(m.group(1)), body["ticket"])
        if method == "PUT" and path == UPDATE_MANY and "ids" in query:
            return self._update_many([int(i) for i in query["ids"].split(",")], body["ticket"])
        for endpoint in self.endpoints:
            answer = endpoint.answer(self, method, path, query, body)
            if answer is not None:
                return answer
        return 404, {"error": "InvalidEndpoint"}

    def _list_comments(self, ticket_id: int, query: dict) -> tuple[int, dict]:
        if ticket_id not in self.tickets:
            return 404, {"error": "RecordNotFound", "description": "Not found"}
        comments = list(self.comments.get(ticket_id, []))
        if query.get("sort") == "-created_at" or query.get("sort_order") == "desc":
            comments.reverse()
        size = int(query.get("page[size]") or query.get("per_page") or 100)
        page = copy.deepcopy(comments[:size])
        answer = {
            "comments": page,
            "count": len(comments),
            "meta": {"has_more": len(comments) > size, "after_cursor": None, "before_cursor": None},
        }
        if "users" in query.get("include", ""):
            ids = {c.get("author_id") for c in page}
            ids |= {
                cc
                for c in page
                for cc in (((c.get("via") or {}).get("source") or {}).get("to") or {}).get("email_ccs") or []
                if isinstance(cc, int)
            }
            answer["users"] = self._users(ids)
        return 200, answer

    def _update(self, ticket_id: int, changes: dict) -> tuple[int, dict]:
        ticket = self.tickets[ticket_id]
        if changes.get("safe_update") and changes.get("updated_stamp") != ticket["updated_at"]:
            return 409, {"error": "UpdateConflict", "description": "Safe Update prevented the update"}
        if ticket.get("status") == "closed":
            return 422, copy.deepcopy(CLOSED_PREVENTS_UPDATE)
        group = changes.get("group_id", ticket.get("group_id"))
        assignee = changes.get("assignee_id", ticket.get("assignee_id"))
        if assignee is not None and group in self.groups and assignee not in self.groups[group]:
            return 422, copy.deepcopy(NOT_A_MEMBER)
        if "comment" in changes and len(self.comments.get(ticket_id, [])) >= self.comment_limit:
            return 422, copy.deepcopy(COMMENT_LIMIT_REACHED)
        for key in ("group_id", "assignee_id"):
            if key in changes:
                ticket[key] = changes[key]
        if "priority" in changes:
            self._set_priority(ticket, changes["priority"], INTEGRATION_USER)
        if "status" in changes and changes["status"] != ticket.get("status"):
            self._set_status(ticket, changes["status"], INTEGRATION_USER)
        self._apply_fields_and_tags(ticket, changes)
        if "follower_ids" in ticket:  # without "CCs and followers" Zendesk ignores `followers`
            followers = ticket["follower_ids"]
            followers += [f["user_id"] for f in changes.get("followers", []) if f["user_id"] not in followers]
        collaborators = ticket.setdefault("collaborator_ids", [])
        collaborators += [u for u in changes.get("additional_collaborators", []) if u not in collaborators]
        if "comment" in changes:
            note = changes["comment"]
            self._append_comment(
                ticket_id, INTEGRATION_USER, note["body"], note.get("public", True), {"channel": "api"}
            )
        self.changed(ticket)
        return 200, {"ticket": copy.deepcopy(ticket), "audit": {"id": len(self.requests), "events": []}}

    def _update_many(self, ids: list[int], changes: dict) -> tuple[int, dict]:
        """Bulk mode, tags only; Zendesk runs the job later, the fake at once (the answer says queued)."""
        if set(changes) - {"additional_tags", "remove_tags"}:
            return 400, {"error": "InvalidEndpoint", "description": "only additional_tags and remove_tags are faked"}
        for ticket in (self.tickets[i] for i in ids if i in self.tickets):
            kept = [t for t in ticket.get("tags") or [] if t not in changes.get("remove_tags", [])]
            ticket["tags"] = kept + [t for t in changes.get("additional_tags", []) if t not in kept]
            self.changed(ticket)
        job = f"bulk-{len(self.requests)}"
        return 200, {
            "job_status": {
                "id": job,
                "url": f"https://acme.zendesk.com/api/v2/job_statuses/{job}.json",
                "job_type": "Bulk Update",
                "status": "queued",
                "total": len(ids),
                "progress": None,
                "message": None,
                "results": None,
            }
        }

    def changed(self, ticket: dict) -> None:
        """Stamp a change as Zendesk does: updated_at, and generated_timestamp for the exports."""
        ticket["updated_at"] = _stamp(self.clock())
        ticket["generated_timestamp"] = int(self.clock())

    def _apply_fields_and_tags(self, ticket: dict, changes: dict) -> None:
        """Custom fields replace by id; a drop-down's value is one of its option tags, both ways."""
        current = {f["id"]: f for f in ticket.setdefault("custom_fields", [])}
        tags = list(ticket.get("tags") or [])
        for change in changes.get("custom_fields", []):
            current.setdefault(change["id"], {"id": change["id"], "value": None})["value"] = change["value"]
            options = self.dropdowns.get(change["id"], ())
            if change["id"] in self.dropdowns:  # the new option's tag replaces the old one's
                tags = [tag for tag in tags if tag not in options] + (
                    [change["value"]] if change["value"] in options else []
                )
        ticket["custom_fields"] = list(current.values())
        if "tags" in changes:
            tags = list(changes["tags"])  # the tags sent win: a drop-down follows them
        for field_id, options in self.dropdowns.items():
            chosen = next((tag for tag in tags if tag in options), None)
            current.setdefault(field_id, {"id": field_id, "value": None})["value"] = chosen
            tags = [tag for tag in tags if tag not in options or tag == chosen]
        ticket["custom_fields"] = list(current.values())
        ticket["tags"] = list(dict.fromkeys(tags))

    def _append_comment(self, ticket_id: int, author_id: int, body: str, public: bool, via: dict) -> dict:
        comments = self.comments.setdefault(ticket_id, [])
        comment = {
            "id": 90000 + len(self.requests) * 10 + len(comments),
            "type": "Comment",
            "author_id": author_id,
            "body": body,
            "plain_body": body,
            "public": public,
            "via": via,
            "created_at": _stamp(self.clock(), seconds=True),
        }
        comments.append(comment)
        return comment

    def _users(self, ids) -> list[dict]:
        return [copy.deepcopy(self.users[i]) for i in sorted(i for i in ids if i in self.users)]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else None
                kind = self.headers.get("Content-Type", "")
                contract_check.check(contract_check.SERVER, self.command, self.path, raw, kind)
                # An upload's fields by name (filename, content type, data); any other body is JSON.
                form = kind.startswith("multipart/form-data")
                body = contract_check.form_fields(raw, kind) if form else json.loads(raw) if raw else None
                url = urlparse(self.path)
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                status, answer, headers = fake.handle(
                    self.command, url.path, query, body, {k.lower(): v for k, v in self.headers.items()}
                )
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

            do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _serve

            def log_message(self, *args):
                pass

        return Handler


def _ticket_user_ids(ticket: dict) -> set:
    keys = ("requester_id", "submitter_id", "assignee_id")
    ids = {ticket.get(key) for key in keys}
    for key in ("collaborator_ids", "email_cc_ids", "follower_ids"):
        ids |= set(ticket.get(key) or [])
    return ids


def _stamp(epoch: float, seconds: bool = False) -> str:
    now = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%SZ") if seconds else now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def cc_ticket(ticket_id: int, template: dict, comments_template: dict) -> tuple[dict, list]:
    """A copy of the recorded CC ticket under another id (and its comments)."""
    ticket = copy.deepcopy(template)
    ticket["ticket"]["id"] = ticket_id
    return ticket, copy.deepcopy(comments_template["comments"])
