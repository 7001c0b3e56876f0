"""Zendesk's history for FakeZendesk (its `endpoints=` hook): the ticket events and metric events exports.

Shapes follow what Zendesk sends: the time-based export envelope (`count`,
`end_of_stream`, `end_time`, `next_page` with `start_time=<end_time>`, so the next
page starts again at the last item's second and repeats what shares it); ticket
events as audits (`timestamp`, `updater_id`, `via` as text, `event_type: "Audit"`,
`child_events`), whose comments are whole comment objects only with
`include=comment_events` (otherwise `comment_present`/`comment_public`); field
changes with `field_name`, `value`, `previous_value` as in audits (ids as text);
metric events with `instance_id`, `type`, `time`, `deleted`, and `sla` on
apply_sla. The exports need start_time at least a minute back, leave out the
last minute, and share the 10-a-minute limit of SlaEndpoints (which also serves
the ticket export, show_many and schedules). users/show_many answers too.
"""

import itertools
from datetime import datetime, timezone

from support.fake_sla import SlaEndpoints

EVENTS = "/api/v2/incremental/ticket_events.json"
METRIC_EVENTS = "/api/v2/incremental/ticket_metric_events.json"
_ids = itertools.count(91000000001)


def stamp(moment: datetime) -> str:
    """Zendesk's seconds-precision UTC form."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def audit(ticket_id: int, at: datetime, updater_id: int, *children: dict, via: str = "Web form") -> dict:
    """One ticket event of the export: an update of a ticket and what it did."""
    return {
        "id": next(_ids),
        "ticket_id": ticket_id,
        "timestamp": int(at.timestamp()),
        "created_at": stamp(at),
        "updater_id": updater_id,
        "via": via,
        "system": {},
        "metadata": {"system": {}, "custom": {}},
        "event_type": "Audit",
        "merged_ticket_ids": [],
        "child_events": list(children),
    }


def change(field: str, value, previous=None, kind: str = "Change") -> dict:
    """A field set by an update, as audits word it (ids and numbers as text)."""
    event = {
        "id": next(_ids),
        "via": "Web form",
        "via_reference_id": None,
        "type": kind,
        "field_name": field,
        "value": value,
        "event_type": kind,
    }
    if kind == "Change":
        event["previous_value"] = previous
    return event


def create(field: str, value) -> dict:
    """A field set on a new ticket."""
    return change(field, value, kind="Create")


def comment(
    author_id: int,
    body: str,
    at: datetime,
    public: bool = True,
    to: str = "support@acme.zendesk.com",
    ccs: tuple[int, ...] = (),
    original: tuple[str, ...] = (),
    emailed: bool = False,
) -> dict:
    """A comment of an update, as the comment_events sideload gives it (an email when emailed or it has CCs)."""
    source = {"from": {}, "to": {}, "rel": None}
    channel = "web"
    if emailed or ccs or original:
        channel = "email"
        source = {
            "from": {
                "address": "dana@customer.example",
                "name": "Dana Customer",
                "original_recipients": [to, *original],
            },
            "to": {"name": "Acme Support", "address": to, "email_ccs": list(ccs)},
            "rel": None,
        }
    return {
        "id": next(_ids),
        "via": {"channel": channel, "source": source},
        "via_reference_id": None,
        "type": "Comment",
        "author_id": author_id,
        "body": body,
        "html_body": f"<p>{body}</p>",
        "plain_body": body,
        "public": public,
        "attachments": [],
        "audit_id": None,
        "created_at": stamp(at),
        "event_type": "Comment",
    }


def metric(ticket_id: int, name: str, kind: str, at: datetime, instance: int = 1, **extra) -> dict:
    """One ticket metric event (apply_sla takes target=minutes)."""
    event = {
        "id": next(_ids),
        "ticket_id": ticket_id,
        "metric": name,
        "instance_id": instance,
        "type": kind,
        "time": stamp(at),
        "deleted": extra.pop("deleted", False),
    }
    if kind == "apply_sla":
        target = extra.pop("target")
        event["sla"] = {
            "target": target,
            "business_hours": extra.pop("business_hours", False),
            "target_in_seconds": int(target * 60),
            "policy": {"id": 5, "title": "Standard", "description": None},
        }
    return event


class HistoryEndpoints(SlaEndpoints):
    """The history exports of the fake; its clock is the fake's."""

    def __init__(self, events=(), metric_events=(), page_size: int = 1000, **options):
        super().__init__(**options)
        self.events, self.metric_events, self.page_size = list(events), list(metric_events), page_size

    def answer(self, fake, method: str, path: str, query: dict, body):
        if method == "GET" and path == EVENTS:
            return self.over_limit(fake) or self._page(
                fake,
                path,
                query,
                "ticket_events",
                [self._shown(e, query) for e in self.events],
                lambda e: e["timestamp"],
            )
        if method == "GET" and path == METRIC_EVENTS:
            return self.over_limit(fake) or self._page(
                fake, path, query, "ticket_metric_events", self.metric_events, lambda e: _epoch(e["time"])
            )
        if method == "GET" and path == "/api/v2/users/show_many.json":
            ids = [int(i) for i in query.get("ids", "").split(",") if i]
            found = [fake.users[i] for i in ids if i in fake.users]
            return 200, {"users": found, "next_page": None, "previous_page": None, "count": len(found)}
        return super().answer(fake, method, path, query, body)

    def _page(self, fake, path: str, query: dict, key: str, items: list, when) -> tuple[int, dict]:
        now = int(fake.clock())
        if not str(query.get("start_time", "")).isdigit():
            return 400, {"error": "InvalidValue", "description": "start_time is required"}
        start = int(query["start_time"])
        if start > now - 60:
            return 400, {
                "error": "StartTimeTooRecent",
                "description": "Too recent start_time. Use a start_time older than 1 minute",
            }
        visible = sorted((i for i in items if start <= when(i) <= now - 60), key=lambda i: (when(i), i["id"]))
        page = visible[: self.page_size]
        end = when(page[-1]) if page else start
        include = f"&include={query['include']}" if query.get("include") else ""
        return 200, {
            key: page,
            "count": len(page),
            "end_of_stream": len(visible) <= self.page_size,
            "end_time": end,
            "next_page": f"{fake.url}{path}?start_time={end}{include}",
        }

    @staticmethod
    def _shown(event: dict, query: dict) -> dict:
        """Without include=comment_events a comment is only said to be there."""
        if "comment_events" in query.get("include", ""):
            return event
        children = [
            {
                "id": c["id"],
                "via": "Web form",
                "via_reference_id": None,
                "comment_present": True,
                "comment_public": c["public"],
                "event_type": "Comment",
            }
            if c["event_type"] == "Comment"
            else c
            for c in event["child_events"]
        ]
        return {**event, "child_events": children}


def _epoch(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())
