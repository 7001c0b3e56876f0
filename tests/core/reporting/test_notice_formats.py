"""Notices as chat messages: Slack's text and blocks, Teams' adaptive card, the escapes."""

from dataclasses import replace

import pytest
from support.notice_cases import BREACH, LATER, TICKET, opened, targets_policy

from zendesk_escalator.core.lifecycle.episode import CLOSED, DEESCALATED, escalated
from zendesk_escalator.core.reporting.notice_formats import (
    headline,
    slack_message,
    slack_text,
    teams_message,
    teams_text,
)
from zendesk_escalator.core.reporting.notices import notices


@pytest.fixture
def told():
    return targets_policy()


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
