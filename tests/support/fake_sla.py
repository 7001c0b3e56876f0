"""Zendesk's SLA side for the fake: incremental export, show_many, search export, an SLA clock.

Plugged into FakeZendesk through its `endpoints=` hook. It keeps what the service
designs around: the incremental ticket export (cursor form) leaves out the last
minute and allows 10 requests a minute (429 with Retry-After beyond); pages hold up
to 1000 tickets; `include=slas` nests `slas.policy_metrics` in each ticket and
`include=metric_sets` adds a top-level `metric_sets` list (or, with `refuse_sideloads`,
the export answers 400 to any include). show_many takes up to 100 ids and leaves
missing ones out; the search export is fake_search's.
The SLA model: a first reply target from creation, a next reply target from each
customer reply, both achieved by an agent's public reply, as Zendesk measures them.
"""

import base64
import copy
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from support.fake_search import search_export

TARGETS = {"urgent": 60, "high": 240, "normal": 480, "low": 1440}  # minutes, calendar time


@dataclass(frozen=True)
class Answer:
    """An agent's public reply as the fake applied it: when (the fake's clock) and its place among the requests."""

    ticket_id: int
    when: float
    order: int  # compare with Seen.order: an update of a higher order came after this answer


class SlaEndpoints:
    """The SLA part of the fake Zendesk; its clock is the fake's."""

    def __init__(self, refuse_sideloads: bool = False, export_limit: int = 10, schedule: dict | None = None):
        self.refuse_sideloads, self.export_limit = refuse_sideloads, export_limit
        self.export_calls: deque[float] = deque()
        self.schedule = schedule  # the account's default schedule, as the Schedules API answers it
        self.answers: list[Answer] = []  # agents' replies, in the order the fake applied them

    # --- what agents and customers do -------------------------------------------------
    def start_clock(
        self,
        fake,
        ticket_id: int,
        metric: str = "first_reply_time",
        minutes: float | None = None,
        at: float | None = None,
    ) -> datetime:
        """Apply an SLA target to a ticket (as a policy would); return the breach time."""
        ticket = fake.tickets[ticket_id]
        start = at if at is not None else fake.clock()
        target = minutes if minutes is not None else TARGETS[ticket.get("priority") or "normal"]
        breach = datetime.fromtimestamp(start, tz=timezone.utc) + timedelta(minutes=target)
        event_metric = "reply_time" if metric in ("first_reply_time", "next_reply_time") else metric
        ticket.setdefault("metric_events", {})[event_metric] = [
            {
                "id": 1,
                "ticket_id": ticket_id,
                "metric": event_metric,
                "instance_id": 1,
                "type": "apply_sla",
                "time": datetime.fromtimestamp(start, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "deleted": False,
                "sla": {
                    "target": target,
                    "business_hours": False,
                    "target_in_seconds": int(target * 60),
                    "policy": {"id": 5, "title": "Standard", "description": None},
                },
            }
        ]
        self._set(fake, ticket_id, metric, "active", breach)
        return breach

    def agent_replied(self, fake, ticket_id: int) -> None:
        """A public agent reply fulfils the reply metrics; the fake keeps when, in its order of events."""
        with fake.lock:
            ticket = fake.tickets[ticket_id]
            for metric in list((ticket.get("slas") or {}).get("policy_metrics") or []):
                if metric["metric"] in ("first_reply_time", "next_reply_time") and metric["stage"] == "active":
                    self._stage(fake, ticket, metric["metric"], "achieved", None)
            metric_set = fake.metric_sets.setdefault(ticket_id, {"replies": 0})
            metric_set["replies"] += 1
            self.answers.append(Answer(ticket_id, fake.clock(), next(fake.sequence)))

    def _set(self, fake, ticket_id: int, metric: str, stage: str, breach: datetime | None) -> None:
        with fake.lock:
            self._stage(fake, fake.tickets[ticket_id], metric, stage, breach)

    @staticmethod
    def _stage(fake, ticket: dict, metric: str, stage: str, breach: datetime | None) -> None:
        """Put one metric of the ticket in a stage (the caller holds the fake's lock)."""
        metrics = [m for m in (ticket.setdefault("slas", {}).get("policy_metrics") or []) if m["metric"] != metric]
        metrics.append(
            {
                "breach_at": breach.strftime("%Y-%m-%dT%H:%M:%SZ") if breach else None,
                "stage": stage,
                "metric": metric,
                "hours": round((breach.timestamp() - fake.clock()) / 3600) if breach else 0,
            }
        )
        ticket["slas"] = {"policy_metrics": metrics}
        fake.changed(ticket)

    # --- the API --------------------------------------------------------------------------
    def answer(self, fake, method: str, path: str, query: dict, body):
        if method != "GET":
            return None
        if path == "/api/v2/incremental/tickets/cursor.json":
            return self._export(fake, query)
        if path == "/api/v2/tickets/show_many.json":
            ids = [int(i) for i in query.get("ids", "").split(",") if i]
            found = [fake.tickets[i] for i in ids if i in fake.tickets]
            return 200, self._listed(
                fake, found, query, {"next_page": None, "previous_page": None, "count": len(found)}
            )
        if path == "/api/v2/search/export.json":
            return search_export(fake, query)
        if path == "/api/v2/business_hours/schedules.json" and self.schedule:
            return 200, {"schedules": [self.schedule]}
        if path.startswith("/api/v2/business_hours/schedules/") and path.endswith("/holidays.json") and self.schedule:
            return 200, {"holidays": self.schedule.get("holidays", [])}
        return None

    def over_limit(self, fake):
        """429 (without Retry-After, as a stand-in) past the exports' limit a minute, shared by all of them."""
        now = fake.clock()
        while self.export_calls and self.export_calls[0] <= now - 60:
            self.export_calls.popleft()
        if len(self.export_calls) >= self.export_limit:
            return 429, {
                "error": "APIRateLimitExceeded",
                "description": "Number of allowed incremental export API requests per minute exceeded",
            }
        self.export_calls.append(now)
        return None

    def _export(self, fake, query: dict):
        now = fake.clock()
        if refused := self.over_limit(fake):
            return refused
        if query.get("include") and self.refuse_sideloads:
            return 400, {"error": "InvalidInclude", "description": "include is not supported here"}
        if "cursor" in query:
            after = _decode(query["cursor"])
        elif int(query.get("start_time", now)) > now - 60:
            return 400, {
                "error": "StartTimeTooRecent",
                "description": "Too recent start_time. Use a start_time older than 1 minute",
            }
        else:
            after = (int(query["start_time"]) - 1, 0)
        visible = sorted((t.get("generated_timestamp", 0), tid) for tid, t in fake.tickets.items())
        page = [key for key in visible if after < key and key[0] <= now - 60][: int(query.get("per_page", 1000))]
        last = page[-1] if page else after
        answer = {
            "after_cursor": _encode(last),
            "before_cursor": None,
            "before_url": None,
            "after_url": f"{fake.url}/api/v2/incremental/tickets/cursor.json?cursor={_encode(last)}",
            "end_of_stream": len(page) < int(query.get("per_page", 1000)),
        }
        return 200, self._listed(fake, [fake.tickets[tid] for _, tid in page], query, answer)

    @staticmethod
    def _listed(fake, tickets: list[dict], query: dict, answer: dict) -> dict:
        include = query.get("include", "")
        listed = [copy.deepcopy(t) for t in tickets]
        for ticket in listed:
            if "slas" not in include:
                ticket.pop("slas", None)
            else:
                ticket.setdefault("slas", {"policy_metrics": []})
            if "metric_events" not in include:
                ticket.pop("metric_events", None)
        answer["tickets"] = listed
        if "metric_sets" in include:
            answer["metric_sets"] = [
                {"ticket_id": t["id"], **fake.metric_sets.get(t["id"], {"replies": 0})} for t in tickets
            ]
        return answer


def cursor_at(epoch: int) -> str:
    """The export cursor of a client that has read every change before `epoch` (a feed in steady state)."""
    return _encode((epoch, 0))


def _encode(key: tuple[int, int]) -> str:
    return base64.b64encode(f"{key[0]}.0||{key[1]}|".encode()).decode()


def _decode(cursor: str) -> tuple[int, int]:
    stamp, _, rest = base64.b64decode(cursor).decode().partition("||")
    return int(float(stamp)), int(rest.strip("|") or 0)
