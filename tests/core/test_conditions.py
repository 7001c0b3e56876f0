"""The one `when` condition: table tests on tickets, and screening on webhook hints."""

import pytest

from zendesk_escalator.core.conditions import When
from zendesk_escalator.core.notification import CommentHint, Notification
from zendesk_escalator.core.snapshot import Comment, TicketSnapshot


def comment(body, role="end-user", cid=7):
    return Comment(cid, 1, body, True, frozenset(), role)


TICKET = TicketSnapshot(
    id=1,
    priority="high",
    form_id=10,
    organization_id=20,
    brand_id=30,
    tags=("vip", "billing"),
    custom_fields=((40, "emea"), (41, True), (42, 3)),
    new_comments=(comment("PRODUCTION\n  Down! Our production is down since 9am"),),
)


@pytest.mark.parametrize(
    "when, holds",
    [
        (When(), True),
        (When(tags_any=frozenset({"vip", "x"})), True),
        (When(tags_any=frozenset({"x"})), False),
        (When(tags_all=frozenset({"vip", "billing"})), True),
        (When(tags_all=frozenset({"vip", "x"})), False),
        (When(tags_none=frozenset({"billing"})), False),
        (When(priority=frozenset({"high", "urgent"})), True),
        (When(priority=frozenset({"urgent"})), False),
        (When(form_id=frozenset({10}), organization_id=frozenset({20}), brand_id=frozenset({30})), True),
        (When(organization_id=frozenset({21})), False),
        (When(fields=((40, frozenset({"emea"})), (41, frozenset({"true"})), (42, frozenset({"3"})))), True),
        (When(fields=((40, frozenset({"apac"})),)), False),
        (When(fields=((99, frozenset({"x"})),)), False),
        (When(phrases=("production down",)), True),  # case and line breaks do not matter
        (When(phrases=("production",), priority=frozenset({"low"})), False),
        (When(phrases=("product",)), False),  # whole words only
        (When(phrases=("data loss", "production is down")), True),
    ],
)
def test_evidence(when, holds):
    assert (when.evidence(TICKET) is not None) == holds


def test_evidence_names_the_tags_priority_and_words():
    when = When(tags_any=frozenset({"vip"}), priority=frozenset({"high"}), phrases=("production is down",))
    assert when.evidence(TICKET) == (
        "tag vip",
        "priority is one of high",
        'comment #7 from the customer says "production is down"',
    )


def test_an_agent_quoting_the_customer_does_not_count():
    agent = TicketSnapshot(id=1, new_comments=(comment("customer said: production down", role="agent"),))
    assert When(phrases=("production down",)).evidence(agent) is None


NOTE = Notification(
    ticket_id=1,
    source="event",
    event_type="ticket.comment_added",
    tags=("vip",),
    priority="high",
    comment=CommentHint(id=7, author_is_staff=False, body="we lost data"),
)


@pytest.mark.parametrize(
    "when, note, could",
    [
        (When(tags_any=frozenset({"vip"})), NOTE, True),
        (When(tags_any=frozenset({"outage"})), NOTE, False),
        (When(tags_none=frozenset({"vip"})), NOTE, False),
        (When(priority=frozenset({"urgent"})), NOTE, False),
        (When(tags_any=frozenset({"outage"})), Notification(ticket_id=1, source="trigger"), True),  # no hints
        (When(phrases=("lost data",)), NOTE, True),
        (When(phrases=("outage",)), NOTE, False),  # the announced comment's words are known
        (When(phrases=("outage",)), Notification(ticket_id=1, source="trigger", actor_role="end-user"), True),
        (When(phrases=("outage",)), Notification(ticket_id=1, source="trigger", actor_role="agent"), False),
        (
            When(phrases=("outage",)),
            Notification(ticket_id=1, source="event", event_type="ticket.status_changed"),
            False,
        ),
    ],
)
def test_could_hold_on_hints(when, note, could):
    assert when.could_hold(note) is could
