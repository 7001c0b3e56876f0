"""Chat notices: which steps of an episode are which events, which targets take them, and how they read."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from conftest import SAMPLES, sample_policy

from zendesk_escalator.core.channels import NoticeFilter
from zendesk_escalator.core.escalation.rules import Decision
from zendesk_escalator.core.kinds import NOTICE_QUEUE_BASE as QUEUE_BASE
from zendesk_escalator.core.lifecycle.episode import (
    ACTIVE,
    CLOSED,
    DEESCALATED,
    MONITORED,
    MONITORING,
    REOPENED,
    SOLVED,
    escalated,
)
from zendesk_escalator.core.lifecycle.state_table import adopt
from zendesk_escalator.core.reporting.notice_formats import (
    headline,
    slack_message,
    slack_text,
    teams_message,
    teams_text,
)
from zendesk_escalator.core.reporting.notices import notices, step_events
from zendesk_escalator.core.snapshot import Metric, TicketSnapshot
from zendesk_escalator.schemas.policy_file import parse_policy

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(hours=1)
CC = Decision(
    "customer_cc",
    "customer_cc",
    1,
    "high",
    ("comment #7 from the customer was sent to escalation@acme.example",),
    keys=frozenset({"comment:7"}),
)
BREACH = Decision("sla_breach", "sla_breach", 2, "urgent", ("first reply time breached",))
TICKET = TicketSnapshot(
    id=35436,
    status="open",
    subject="Dashboard <down> & [broken](http://x)",
    sla_metrics=(
        Metric("first_reply_time", "active", NOW - timedelta(minutes=5)),
        Metric("next_reply_time", "paused", NOW - timedelta(hours=9)),
    ),
)
TARGETS = """
[[notify]]
name = "everything"
kind = "slack_webhook"
url_env = "SLACK_URL"

[[notify]]
name = "managers"
kind = "teams_workflow"
url_env = "TEAMS_URL"
when = { levels = [2, 3], events = ["breach", "level", "closed"] }
"""


@pytest.fixture
def told():
    return sample_policy(TARGETS)


def opened(decision=CC):
    return replace(
        escalated(None, decision, TICKET, parse_policy((SAMPLES / "policy.toml").read_text()), NOW),
        id=7,
        owner_id=900000000011,
    )


def events_of(episode):
    return [step_events(episode, n) for n in range(len(episode.history))]


def test_each_step_is_the_events_it_is():
    episode = opened()
    episode = escalated(episode, BREACH, TICKET, parse_policy((SAMPLES / "policy.toml").read_text()), LATER)
    episode = episode.moved(LATER, ACTIVE, "reminder", "update missed (1)")
    episode = episode.moved(LATER, ACTIVE, "reminder", "update missed (2)", level=3)
    episode = episode.moved(LATER, MONITORING, SOLVED, "monitoring until …")
    episode = episode.moved(LATER, ACTIVE, REOPENED, "the problem recurred")
    episode = episode.moved(LATER, CLOSED, DEESCALATED, "comment #9: customer agreed")
    assert events_of(episode) == [
        ("opened",),
        ("breach", "level"),
        ("reminder",),
        ("level", "reminder"),
        (),
        ("reopened",),
        ("closed",),
    ]


def test_a_breach_that_opens_is_both_and_monitoring_that_ends_closes():
    episode = opened(BREACH).moved(LATER, MONITORING, SOLVED, "")
    episode = episode.moved(LATER, CLOSED, MONITORED, "monitoring ended without recurrence")
    assert events_of(episode) == [("breach", "opened"), (), ("closed",)]


def test_an_adopted_escalation_is_no_event_but_its_raise_is(policy):
    mirrored = replace(TICKET, tags=("escalated", "escalation_level_1", "escalation_reason_outage"))
    episode = adopt(mirrored, None, policy, NOW)
    raised = escalated(episode, BREACH, mirrored, policy, LATER)
    assert events_of(raised) == [(), ("breach", "level")]


def test_targets_take_the_steps_their_when_names(told):
    episode = escalated(opened(), BREACH, TICKET, told, LATER)
    found = notices(replace(episode, id=7), 0, TICKET, told, "https://acme.zendesk.com/agent/tickets/35436")
    assert [(n.target, n.event, n.step) for n in found] == [
        ("everything", "opened", 0),
        ("everything", "breach", 1),
        ("managers", "breach", 1),
    ]
    assert [n.key for n in found] == [
        "notice:everything:7:opened:0",
        "notice:everything:7:breach:1",
        "notice:managers:7:breach:1",
    ]
    assert notices(replace(episode, id=7), 1, TICKET, told, "u")[0].step == 1  # the steps stored before: told


def test_a_filter_of_levels_reasons_and_events():
    only = NoticeFilter(levels=frozenset({2}), reasons=frozenset({"outage"}), events=frozenset({"level", "closed"}))
    assert only.first_event(("breach", "level"), 2, "outage") == "level"
    assert only.first_event(("level",), 1, "outage") is None
    assert only.first_event(("level",), 2, "sla_breach") is None
    assert only.first_event(("opened",), 2, "outage") is None
    assert NoticeFilter().first_event(("breach", "level"), 1, "x") == "breach"


def test_a_notice_row_queues_apart_from_its_tickets_rows(told):
    (notice,) = notices(opened(), 0, TICKET, told, "u")
    row = notice.row(NOW.timestamp())
    assert row["ticket_id"] == -(QUEUE_BASE + 35436) and row["kind"] == "notice"
    assert row["payload"]["reason"] == "customer_cc" and row["payload"]["sla_metric"] == "first_reply_time"


def test_slack_shows_the_facts_and_escapes_the_customers_words(told):
    (notice,) = notices(opened(), 0, TICKET, told, "https://acme.zendesk.com/agent/tickets/35436")
    message = slack_message(notice)
    assert message["text"] == "Escalated: #35436 at level 1 (team lead) https://acme.zendesk.com/agent/tickets/35436"
    head, fields, detail = message["blocks"]
    assert head["text"]["text"] == (
        "*Escalated: #35436 at level 1 (team lead)*\n<https://acme.zendesk.com/agent/"
        "tickets/35436|#35436 Dashboard &lt;down&gt; &amp; [broken](http://x)>"
    )
    assert [f["text"] for f in fields["fields"]] == [
        "*Reason*\ncustomer_cc",
        "*Level*\n1 (team lead)",
        "*Owner*\nuser 900000000011",
        "*SLA*\nfirst reply time breached at 2026-11-23 08:55 UTC",
        "*When*\n2026-11-23 09:00 UTC",
    ]
    assert detail["elements"][0]["text"] == "comment #7 from the customer was sent to escalation@acme.example"


def test_teams_gets_one_adaptive_card_with_a_link_to_the_ticket(told):
    notice = notices(escalated(opened(), BREACH, TICKET, told, LATER), 1, TICKET, told, "https://t/35436")[-1]
    message = teams_message(notice)
    (attachment,) = message["attachments"]
    assert message["type"] == "message" and attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["body"][0]["text"] == "SLA breached: #35436 at level 2 (support manager)"
    assert card["body"][1]["text"] == "Dashboard <down> & \\[broken\\](http://x)"
    assert {"title": "SLA", "value": "first reply time breached at 2026-11-23 08:55 UTC"} in card["body"][2]["facts"]
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open ticket #35436", "url": "https://t/35436"}]


def test_without_an_sla_the_notice_says_so_and_a_close_names_no_level(told):
    episode = opened().moved(LATER, CLOSED, DEESCALATED, "comment #9: customer agreed")
    notice = notices(episode, 1, replace(TICKET, sla_metrics=()), told, "u")[0]
    assert headline(notice) == "Escalation closed: #35436" and notice.detail == "comment #9: customer agreed"
    assert (
        dict((f["text"].split("\n")) for f in slack_message(notice)["blocks"][1]["fields"])["*SLA*"]
        == "no SLA measured"
    )


def test_the_escapes():
    assert slack_text("<@U123> & <!channel>") == "&lt;@U123&gt; &amp; &lt;!channel&gt;"
    assert teams_text("**bold** [a](b) _i_") == "\\*\\*bold\\*\\* \\[a\\](b) \\_i\\_"
