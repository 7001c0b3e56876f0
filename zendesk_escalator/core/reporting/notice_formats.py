"""How a chat notice reads (pure): one headline and the same facts, as Slack blocks or a Teams Adaptive Card.

The ticket's subject and a step's detail may hold a customer's or an agent's
words: they are escaped for each format, so that no text of theirs can become a
link or a mention (Slack's `&`, `<`, `>`; Markdown's brackets and emphasis in
Teams).
"""

from typing import Any

from ..channels import BREACH, CLOSED, LEVEL, OPENED, REMINDER, REOPENED
from ..sla.timers import NAMES
from ..wording import moment, one_line, shortened, utc
from .notices import Notice

HEADLINES = {
    OPENED: "Escalated",
    LEVEL: "Escalation raised",
    BREACH: "SLA breached",
    REOPENED: "Re-escalated",
    REMINDER: "Customer update missed",
    CLOSED: "Escalation closed",
}
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
TEAMS_MARKUP = str.maketrans({c: f"\\{c}" for c in "\\[]*_~`"})


def headline(notice: Notice) -> str:
    """What happened, in one line: "SLA breached: #35436 at level 2 (support manager)"."""
    at = "" if notice.event == CLOSED else f" at level {level_of(notice)}"
    return f"{HEADLINES.get(notice.event, notice.event)}: #{notice.ticket_id}{at}"


def facts(notice: Notice) -> list[tuple[str, str]]:
    """The notice's facts, as (label, plain text) pairs: the service's own words and the policy's names."""
    owner = f"user {notice.owner_id}" if notice.owner_id else "none"
    return [
        ("Reason", notice.reason),
        ("Level", level_of(notice)),
        ("Owner", owner),
        ("SLA", sla_of(notice)),
        ("When", utc(moment(notice.at))),
    ]


def level_of(notice: Notice) -> str:
    """The level with its name: "2 (support manager)"."""
    return f"{notice.level}" + (f" ({notice.level_name})" if notice.level_name else "")


def sla_of(notice: Notice) -> str:
    """The ticket's SLA moment as the step saw it: breached at …, breaches at …, or none measured."""
    if notice.sla_at is None:
        return "no SLA measured"
    verb = "breached" if notice.sla_at <= notice.at else "breaches"
    metric = notice.sla_metric
    name = NAMES.get(metric, metric) if metric is not None else metric
    return f"{name} {verb} at {utc(moment(notice.sla_at))}"


def slack_message(notice: Notice) -> dict[str, Any]:
    """Slack's `text` (the notification's words) and `blocks` (what the channel shows)."""
    label = f"#{notice.ticket_id} {slack_text(shortened(one_line(notice.subject), 150))}".rstrip()
    link = f"<{notice.url}|{label}>"
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{headline(notice)}*\n{link}"}},
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": f"*{label}*\n{slack_text(value)}"} for label, value in facts(notice)],
        },
    ]
    if one_line(notice.detail):
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": slack_text(shortened(one_line(notice.detail), 300))}],
            }
        )
    return {"text": f"{headline(notice)} {notice.url}", "blocks": blocks}


def teams_message(notice: Notice) -> dict[str, Any]:
    """The message a Teams Workflows webhook posts: one Adaptive Card attachment."""
    body = [
        {"type": "TextBlock", "text": headline(notice), "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "TextBlock", "text": teams_text(shortened(one_line(notice.subject), 150)), "wrap": True},
        {"type": "FactSet", "facts": [{"title": label, "value": value} for label, value in facts(notice)]},
    ]
    if one_line(notice.detail):
        body.append(
            {
                "type": "TextBlock",
                "text": teams_text(shortened(one_line(notice.detail), 300)),
                "isSubtle": True,
                "wrap": True,
            }
        )
    card = {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": f"Open ticket #{notice.ticket_id}", "url": notice.url}],
    }
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def test_message(kind_is_teams: bool) -> dict[str, Any]:
    """The message `escalator check --notify-test` sends: it says where it comes from and that nothing happened."""
    text = "zendesk-escalator: a test message from `escalator check --notify-test`. No escalation happened."
    if kind_is_teams:
        card = {
            "$schema": CARD_SCHEMA,
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": [{"type": "TextBlock", "text": text.replace("`", ""), "wrap": True}],
        }
        return {
            "type": "message",
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
            ],
        }
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def slack_text(text: str) -> str:
    """Text as Slack shows it literally (its three control characters escaped)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def teams_text(text: str) -> str:
    """Text as a Teams card shows it literally (Markdown's link and emphasis marks escaped)."""
    return text.translate(TEAMS_MARKUP)
