"""Realistic webhook traffic for the benchmarks: what agents and customers do all day.

Each step changes the fake Zendesk as the real change would (a comment written, a tag
added) and then gives the webhook Zendesk would send about it, as an event webhook or
as the documented trigger body. The mix (share of webhooks):

    40 %  agent public replies
    25 %  customer replies (no escalation address): 15 by email, 8 on the help center or
          web form, 2 through a mobile SDK or the API
    20 %  status and assignment changes
    10 %  tag changes (tags no rule cares about)
     5 %  escalations: 1.5 a customer's email CC'ing the escalation desk, 1 a customer's
          help-center reply adding it in the CC field, 2.5 an agent adding the `outage` tag

Customers mostly answer the notification email; the help center, web widget, mobile
SDKs and the API bring the rest (40 % of customer replies here, an assumption). A reply
through those names no address, so it costs a second read (the ticket, for its CCs):
each point of the mix moved from email replies to them adds 0.01 reads per webhook.
"""

import copy
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from zendesk_escalator.schemas.webhooks import TRIGGER_BODY_TEMPLATE

CUSTOMER, AGENT, DESK = 20978392, 235323, 30000001
MIX = (
    ("agent_reply", 40),
    ("customer_email", 15),
    ("customer_web", 8),
    ("customer_app", 2),
    ("status_change", 10),
    ("assignment_change", 10),
    ("tag_change", 10),
    ("cc_escalation", 1.5),
    ("cc_web_escalation", 1),
    ("impact_tag", 2.5),
)
ESCALATING = {"cc_escalation", "cc_web_escalation", "impact_tag"}
SUPPORT = "support@acme.zendesk.com"
NO_ADDRESS = {"from": {}, "to": {}, "rel": None}  # what a comment not sent by email says of its recipients


@dataclass
class Step:
    """One change on one ticket, and the webhook announcing it."""

    ticket_id: int
    kind: str
    change: Callable  # (fake) -> dict: applies the change, returns what the webhook needs
    webhook: Callable  # (what the change returned) -> dict: the body


def plain_ticket(ticket_id: int) -> dict:
    """A ticket nobody escalated, assigned to a first-line agent, as GET tickets/{id}.json?include=users."""
    now = _now()
    return {
        "ticket": {
            "id": ticket_id,
            "status": "open",
            "priority": "normal",
            "group_id": 98738,
            "assignee_id": AGENT,
            "requester_id": CUSTOMER,
            "organization_id": 509974,
            "ticket_form_id": 360000144212,
            "recipient": "support@acme.zendesk.com",
            "tags": ["billing"],
            "collaborator_ids": [],
            "follower_ids": [],
            "email_cc_ids": [],
            "custom_fields": [{"id": 360010000001, "value": None}, {"id": 360010000005, "value": "billing"}],
            "created_at": now,
            "updated_at": now,
        },
        "users": [
            {"id": CUSTOMER, "email": "dana@customer.example", "role": "end-user"},
            {"id": AGENT, "email": "alex@acme.example", "role": "agent"},
        ],
    }


def mixed(tickets: list[int], count: int, kind: str, seed: int = 1) -> list[Step]:
    """`count` steps over `tickets`, in the mix above; `kind` is "event" or "trigger"."""
    rng = random.Random(seed)
    kinds = [name for name, share in MIX for _ in range(int(share * 2))]
    steps, escalated = [], set()
    for n in range(count):
        name = rng.choice(kinds)
        ticket = rng.choice(tickets)
        if name in ESCALATING:  # one escalation per ticket, so each can be checked
            ticket = next((t for t in tickets if t not in escalated), ticket)
            escalated.add(ticket)
        steps.append(_step(ticket, name, kind, f"{kind}-{n}"))
    return steps


def _step(ticket: int, name: str, kind: str, event_id: str) -> Step:
    changes = {
        "agent_reply": lambda fake: _comment(fake, ticket, AGENT, "We are looking into it."),
        "customer_email": lambda fake: _comment(fake, ticket, CUSTOMER, "Any news on this?", _email([])),
        "customer_web": lambda fake: _comment(
            fake,
            ticket,
            CUSTOMER,
            "Any news on this?",
            {"channel": "web", "source": {**NO_ADDRESS, "rel": "help_center"}},
        ),
        "customer_app": lambda fake: _comment(
            fake,
            ticket,
            CUSTOMER,
            "Any news on this?",
            {"channel": "mobile_sdk", "source": {**NO_ADDRESS, "rel": "mobile_sdk"}},
        ),
        "cc_escalation": lambda fake: _comment(fake, ticket, CUSTOMER, "Copying our escalation desk.", _email([DESK])),
        "cc_web_escalation": lambda fake: _cc_on_help_center(fake, ticket, "Adding our escalation desk."),
        "status_change": lambda fake: _set(fake, ticket, AGENT, status="pending"),
        "assignment_change": lambda fake: _set(fake, ticket, AGENT, assignee_id=AGENT),
        "tag_change": lambda fake: _tag(fake, ticket, AGENT, "vip"),
        "impact_tag": lambda fake: _tag(fake, ticket, AGENT, "outage"),
    }
    build = _event if kind == "event" else _trigger
    return Step(ticket, name, changes[name], lambda seen: build(ticket, name, event_id, seen))


def _comment(fake, ticket: int, author: int, body: str, via: dict | None = None) -> dict:
    comment = fake.add_comment(ticket, author, body, via=via or {"channel": "web"})
    return {"actor": author, "comment": comment, **_state(fake, ticket)}


def _email(ccs: list[int]) -> dict:
    return {
        "channel": "email",
        "source": {
            "from": {"address": "dana@customer.example"},
            "to": {"address": SUPPORT, "email_ccs": ccs},
            "rel": None,
        },
    }


def _cc_on_help_center(fake, ticket: int, body: str) -> dict:
    """The customer adds the desk in the help center's CC field and replies: the comment names no address."""
    with fake.lock:
        fake.tickets[ticket]["email_cc_ids"] = [DESK]
    return _comment(fake, ticket, CUSTOMER, body, {"channel": "web", "source": {**NO_ADDRESS, "rel": "help_center"}})


def _set(fake, ticket: int, actor: int, **values) -> dict:
    with fake.lock:
        fake.tickets[ticket].update(values, updated_at=_now())
    return {"actor": actor, **_state(fake, ticket)}


def _tag(fake, ticket: int, actor: int, tag: str) -> dict:
    with fake.lock:
        tags = fake.tickets[ticket]["tags"]
        if tag not in tags:
            tags.append(tag)
        fake.tickets[ticket]["updated_at"] = _now()
    return {"actor": actor, "added": [tag], **_state(fake, ticket)}


def _state(fake, ticket: int) -> dict:
    with fake.lock:
        current = copy.deepcopy(fake.tickets[ticket])
    return {
        "tags": current["tags"],
        "status": current["status"],
        "priority": current["priority"],
        "updated_at": current["updated_at"],
    }


def _event(ticket: int, name: str, event_id: str, seen: dict) -> dict:
    detail = {
        "id": str(ticket),
        "actor_id": str(seen["actor"]),
        "tags": seen["tags"],
        "status": seen["status"].upper(),
        "priority": seen["priority"].upper(),
        "updated_at": seen["updated_at"],
    }
    if "comment" in seen:
        comment = seen["comment"]
        event_type, event = (
            "ticket.comment_added",
            {
                "comment": {
                    "id": str(comment["id"]),
                    "body": comment["body"],
                    "is_public": True,
                    "author": {"id": str(seen["actor"]), "is_staff": seen["actor"] == AGENT, "name": "someone"},
                }
            },
        )
    elif "added" in seen:
        event_type, event = "ticket.tags_changed", {"tags_added": seen["added"], "tags_removed": []}
    elif name == "status_change":
        event_type, event = "ticket.status_changed", {"current": "PENDING", "previous": "OPEN"}
    else:
        event_type, event = "ticket.agent_assignment_changed", {"current": str(AGENT), "previous": None}
    return {
        "account_id": 9242270,
        "id": event_id,
        "subject": f"zen:ticket:{ticket}",
        "time": _now(),
        "type": f"zen:event-type:{event_type}",
        "zendesk_event_version": "2022-11-06",
        "detail": detail,
        "event": event,
    }


def _trigger(ticket: int, name: str, event_id: str, seen: dict) -> dict:
    rendered = {
        "ticket.id": ticket,
        "ticket.updated_at_with_timestamp": seen["updated_at"],
        "ticket.tags": " ".join(seen["tags"]),
        "ticket.priority": seen["priority"].capitalize(),
        "ticket.status": seen["status"].capitalize(),
        "current_user.id": seen["actor"],
        "current_user.role": "Agent" if seen["actor"] == AGENT else "End-user",
        # The bench's tickets come in by the web form; Zendesk renders that channel so.
        "ticket.via": "Web Form",
    }
    return {key: str(rendered[value.strip("{}")]) for key, value in TRIGGER_BODY_TEMPLATE.items()}


def _now() -> str:
    # To the microsecond: two changes of one ticket within a second must not render the same trigger
    # body, which would be one delivery to the service (Zendesk's own stamps are to the second).
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
