"""Screening: which webhooks can lead to a decision, and what must be read for them (0 reads otherwise)."""

import pytest

from zendesk_escalator.core.escalation.triggers import escalation_rules
from zendesk_escalator.core.notification import CommentHint, Notification
from zendesk_escalator.core.snapshot import Comment

RULES = escalation_rules()
ESCALATED_2 = ("billing", "escalated", "escalation_level_2", "escalation_reason_outage")


def event(kind, tags=("billing",), **hints):
    return Notification(ticket_id=1, source="event", event_type=f"ticket.{kind}", tags=tags, **hints)


def trigger(role, tags=("billing",), **hints):
    return Notification(ticket_id=1, source="trigger", actor_role=role, tags=tags, **hints)


def customer_said(body):
    return CommentHint(id=9, author_is_staff=False, public=True, body=body)


AGENT_REPLY = CommentHint(id=9, author_is_staff=True, public=True, body="We are on it.")
CASES = [
    # the everyday changes that can never escalate cost nothing
    ("agent public reply (event)", event("comment_added", comment=AGENT_REPLY), {}),
    ("agent update (trigger)", trigger("agent"), {}),
    ("status change", event("status_changed"), {}),
    ("priority change", event("priority_changed"), {}),
    ("assignment change", event("agent_assignment_changed"), {}),
    ("tags changed, none relevant", event("tags_changed", tags_added=("vip",)), {}),
    ("closed ticket", trigger("end-user", status="closed"), {}),
    # a customer's reply: its comments first (one read), the ticket only if they hold evidence
    ("customer reply (event)", event("comment_added", comment=customer_said("thanks")), {"customer_cc": {"comments"}}),
    ("customer reply (trigger)", trigger("end-user"), {"customer_cc": {"comments"}, "impact": {"comments"}}),
    (
        "customer says the words",
        event("comment_added", comment=customer_said("production is down")),
        {"customer_cc": {"comments"}, "impact": {"comments"}},
    ),
    # what an agent does by hand, or what Zendesk says about CCs
    ("impact tag", trigger("agent", tags=("outage",)), {"impact": {"ticket"}}),
    ("impact tag, already escalated at that level", trigger("agent", tags=("outage", *ESCALATED_2)), {}),
    ("request tag", event("tags_changed", tags=("escalate",)), {"manual_request": {"ticket"}}),
    (
        "request tag on an escalated ticket",
        trigger("agent", tags=("escalate", *ESCALATED_2)),
        {"manual_request": {"ticket"}},
    ),
    (
        "status field to requested (drop-down tag)",
        trigger("agent", tags=("escalation_requested",)),
        {"manual_request": {"ticket"}},
    ),
    (
        "status field to requested (trigger hint)",
        trigger("agent", escalation_status="escalation_requested"),
        {"manual_request": {"ticket"}},
    ),
    (
        "status field changed (event)",
        event("custom_field_changed", field_id=360010000001),
        {"manual_request": {"ticket"}},
    ),
    ("CC added", event("email_ccs_changed"), {"customer_cc": {"ticket"}}),
    ("ticket created", event("created"), {"customer_cc": {"comments", "ticket"}, "impact": {"comments"}}),
    # when the hints say nothing, look
    (
        "no hints at all",
        Notification(ticket_id=1, source="trigger"),
        {"customer_cc": {"comments"}, "impact": {"ticket", "comments"}, "manual_request": {"ticket"}},
    ),
    ("an event type of the future", event("something_new"), {"customer_cc": {"comments", "ticket"}}),
]


@pytest.mark.parametrize("name, note, expected", CASES, ids=[c[0] for c in CASES])
def test_screen(policy, name, note, expected):
    assert RULES.screen([note], policy) == {k: frozenset(v) for k, v in expected.items()}


def test_screening_a_batch_takes_the_union(policy):
    needs = RULES.screen([trigger("agent"), event("tags_changed", tags=("outage",))], policy)
    assert needs == {"impact": frozenset({"ticket"})}


DESK = "escalation@acme.example"


REPLY = event("comment_added", comment=customer_said("thanks"))


def said(recipients=(), role="end-user", by_email=True):
    return Comment(1, 2, "thanks", True, frozenset(recipients), role, by_email=by_email)


@pytest.mark.parametrize(
    "comments, notes, chance",
    [
        ((said({"support@acme.zendesk.com"}),), [REPLY], False),  # an email's CC line is the ticket's
        ((said({DESK}),), [REPLY], True),
        ((said({DESK}, role="agent"),), [REPLY], False),  # an agent's is no request
        ((said(by_email=False),), [REPLY], True),  # web form, help center, API, SDK: the ticket's CCs are unseen
        ((said(by_email=False, role="agent"), said({"support@acme.zendesk.com"})), [REPLY], False),
        ((), [REPLY], False),  # the comment announced was examined before
        ((), [trigger("end-user")], True),  # a customer changed something, not by a comment: look
    ],
)
def test_comments_alone_can_rule_a_customer_reply_out(policy, comments, notes, chance):
    needs = {"customer_cc": frozenset({"comments"})}
    assert RULES.comments_leave_a_chance(needs, comments, notes, policy) is chance
