"""Chat notices end to end in one process: signed webhooks in, the real worker, the fake Zendesk and a fake of
each chat (Slack's incoming webhook and chat.postMessage, a Teams Workflow) recording what they received.
"""

import logging

import pytest
from conftest import sample, sample_policy
from support.fake_chat import BOT_TOKEN, HOOK_PATH, TEAMS_PATH, TEAMS_QUERY, secrets, targets
from support.scrape import Scrape
from support.service import TICKET, Clock, Service, cc_fake, comment_event

from zendesk_escalator.store.schema import DEAD, PENDING

SECRETS = (HOOK_PATH.rsplit("/", 1)[1], BOT_TOKEN, TEAMS_QUERY.split("sig=")[1])


@pytest.fixture
def world(tmp_path, chat, monkeypatch, made):
    for name, value in secrets(chat, "TEST_").items():
        monkeypatch.setenv(name, value)

    def make(told: str | None = None, fake=None):
        fake = fake or cc_fake()
        made.append(fake)
        policy = sample_policy((told or targets(chat, "TEST_")))
        return Service(tmp_path, fake, policy, Clock(), retry_base_seconds=1.0), fake

    return make


def raise_to_level_2(service, fake) -> None:
    """An agent adds the outage tag (an impact of level 2)."""
    fake.tickets[TICKET]["tags"].append("outage")
    service.post(
        {**sample("trigger_body.json"), "tags": "billing vip outage", "actor_role": "Agent", "actor_id": "235323"}
    )
    service.work()


def escalate(service) -> None:
    assert service.post(sample("event_comment_added.json")).status_code == 202
    service.work()


def metrics(service) -> Scrape:
    return Scrape(service.http.get("/metrics").get_data(as_text=True))


def test_an_escalation_tells_each_target_once_in_its_own_shape(world, chat):
    service, fake = world()
    escalate(service)
    assert len(fake.puts(TICKET)) == 1
    (hook,) = chat.delivered(HOOK_PATH)
    assert hook["text"] == "Escalated: #35436 at level 1 (team lead) https://acme.zendesk.com/agent/tickets/35436"
    assert hook["blocks"][0]["text"]["text"].startswith(
        "*Escalated: #35436 at level 1 (team lead)*\n<https://acme.zendesk.com/agent/tickets/35436|#35436 "
    )
    (bot,) = chat.delivered("/api/chat.postMessage")
    assert bot["channel"] == "C0ESCALATE" and bot["text"] == hook["text"] and bot["blocks"] == hook["blocks"]
    (card,) = chat.delivered(TEAMS_PATH)
    assert card["attachments"][0]["content"]["body"][0]["text"] == "Escalated: #35436 at level 1 (team lead)"
    assert [r.result["status"] for r in service.inbox.rows() if r.kind == "notice"] == ["sent"] * 3
    assert metrics(service).by("escalator_notices_total", "kind", "result") == {
        ("slack_webhook", "sent"): 1,
        ("slack_bot", "sent"): 1,
        ("teams_workflow", "sent"): 1,
    }


def test_a_redelivery_a_second_webhook_and_a_restart_tell_no_one_again(world, chat, tmp_path):
    service, fake = world()
    escalate(service)
    assert service.post(sample("event_comment_added.json")).status_code == 200  # Zendesk's retry
    service.post(comment_event(TICKET, sample("comments_cc.json")["comments"][2], 20978392, False, "another"))
    service.work()
    service.close()
    again = Service(tmp_path, fake, service.policy, Clock())  # a restart on the same database
    again.post(comment_event(TICKET, sample("comments_cc.json")["comments"][2], 20978392, False, "after-restart"))
    again.work()
    assert len(fake.puts(TICKET)) == 1
    assert len(chat.delivered()) == 3


def test_a_chat_outage_never_holds_up_the_ticket_and_the_notice_goes_once_it_is_over(world, chat):
    chat.outage = 500
    service, fake = world()
    escalate(service)
    assert len(fake.puts(TICKET)) == 1  # the escalation went out at once
    notices = [r for r in service.inbox.rows() if r.kind == "notice"]
    assert {(r.status, r.last_error.split(":")[0]) for r in notices} == {(PENDING, "NoticeFailed")}
    service.clock.advance(60)
    service.work()  # still down: retried later again
    chat.outage = None
    service.clock.advance(600)
    service.work()
    assert len(chat.delivered()) == 3 and len(fake.puts(TICKET)) == 1
    found = metrics(service).by("escalator_notices_total", "kind", "result")
    assert found[("slack_webhook", "sent")] == 1 and found[("slack_webhook", "failed")] >= 2


def test_the_tickets_own_work_waits_for_no_chat(world, chat):
    """A notice in a worker's hands (a chat slow to answer) holds back nothing of its ticket: the ticket's next
    webhook is claimed by another worker at once, and handled."""
    chat.outage = 503
    service, fake = world()
    escalate(service)
    service.clock.advance(600)  # the notices are due again
    sending = service.inbox.claim("slow-chat", service.worker.now(), 60)
    assert {row.kind for row in sending} == {"notice"}
    fake.tickets[TICKET]["tags"].append("outage")
    service.post(
        {**sample("trigger_body.json"), "tags": "billing vip outage", "actor_role": "Agent", "actor_id": "235323"}
    )
    assert [row.kind for row in service.inbox.claim("other", service.worker.now(), 60)] == ["notification"]


def test_secrets_appear_in_no_log_line_and_no_row(world, chat, caplog):
    chat.outage = 500
    service, _ = world()
    with caplog.at_level(logging.DEBUG):
        escalate(service)
        chat.outage = None
        service.clock.advance(600)
        service.work()
    stored = repr([(r.payload, r.result, r.last_error) for r in service.inbox.rows()])
    assert len(chat.delivered()) == 3
    for secret in SECRETS:
        assert secret not in caplog.text and secret not in stored


def test_a_target_takes_only_its_levels_and_events(world, chat):
    service, fake = world("""
[[notify]]
name = "managers"
kind = "slack_webhook"
url_env = "TEST_SLACK_WEBHOOK_URL"
when = { levels = [2, 3], events = ["level"] }
""")
    escalate(service)  # level 1: not theirs
    assert chat.delivered() == []
    raise_to_level_2(service, fake)
    (message,) = chat.delivered()
    assert message["text"].startswith("Escalation raised: #35436 at level 2 (support manager)")


@pytest.mark.parametrize(
    "value, answer",
    [
        (None, "the environment variable TEST_SLACK_WEBHOOK_URL is not set"),
        ("hooks.slack.com/services/T0001/B0001/x", "TEST_SLACK_WEBHOOK_URL holds no http(s) URL"),
        ("/services/T0001/B0001/revoked", "slack_webhook answered 404: no_service"),
    ],
)
def test_a_permanent_refusal_leaves_the_notice_dead_and_the_escalation_made(world, chat, monkeypatch, value, answer):
    if value is None:
        monkeypatch.delenv("TEST_SLACK_WEBHOOK_URL")
    else:
        monkeypatch.setenv("TEST_SLACK_WEBHOOK_URL", chat.url + value if value.startswith("/") else value)
    service, fake = world(targets(chat, "TEST_").split('[[notify]]\nname = "managers"')[0])
    escalate(service)
    (notice,) = [r for r in service.inbox.rows() if r.kind == "notice"]
    assert notice.status == DEAD and answer in notice.last_error
    assert len(fake.puts(TICKET)) == 1
    assert metrics(service).value("escalator_notices_total", kind="slack_webhook", result="refused") == 1


def test_a_dry_run_tells_no_one(world, chat, tmp_path):
    service, fake = world()
    service.close()
    dry = Service(tmp_path, fake, service.policy, Clock(), dry_run=True)
    escalate(dry)
    assert chat.requests == [] and [r for r in dry.inbox.rows() if r.kind == "notice"] == []
