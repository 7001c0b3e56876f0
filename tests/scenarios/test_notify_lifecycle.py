"""Chat notices through an escalation's life: a missed customer update, the next level, and the close, each told
once to the target that takes it (the lifecycle's world of tests/scenarios/test_escalation_lifecycle.py, a fake
chat)."""

from datetime import timedelta

from conftest import LIFECYCLE
from support.fake_chat import HOOK_PATH
from support.service import AGENT, TICKET
from test_escalation_lifecycle import START, escalate_by_cc, tags_event, world  # noqa: F401 (fixture)

EVERY_STEP = """
[[notify]]
name = "leads"
kind = "slack_webhook"
url_env = "LIFE_SLACK_WEBHOOK_URL"

[[notify]]
name = "closes"
kind = "slack_webhook"
url_env = "LIFE_SLACK_WEBHOOK_URL"
when = { events = ["closed"] }
"""


def told(fake_chat) -> list[str]:
    """The headlines the Slack webhook received, oldest first."""
    return [body["text"].split(" https://")[0] for body in fake_chat.delivered(HOOK_PATH)]


def test_reminders_the_next_level_and_the_close_are_told(world, chat, monkeypatch):  # noqa: F811
    monkeypatch.setenv("LIFE_SLACK_WEBHOOK_URL", chat.slack_webhook)
    service, fake = world(LIFECYCLE + EVERY_STEP)
    escalate_by_cc(service, fake)
    for hours in (2, 4):  # no public update to the customer: two reminders, the second one a level up
        service.at(START + timedelta(hours=hours, minutes=1))
        service.work()
    fake.add_comment(TICKET, AGENT, "Called Dana: customer agreed to de-escalate, fix confirmed.", public=False)
    service.post(tags_event(fake, "deescalate"))
    service.work()
    assert told(chat) == [
        "Escalated: #35436 at level 1 (team lead)",
        "Customer update missed: #35436 at level 1 (team lead)",
        "Escalation raised: #35436 at level 2 (support manager)",
        "Escalation closed: #35436",
        "Escalation closed: #35436",
    ]
