"""worker/notices.py (the name test_notices.py is core/reporting/notices.py's): chat notice rows planned with an
episode's save (the store real), each sent on its own to a fake chat (tests/support/fake_chat.py) and counted, a
refusal kept apart from an outage; the targets' secrets said at start (tests/scenarios/test_notify.py has them end
to end)."""

import logging
from datetime import datetime, timedelta, timezone

import pytest
from conftest import sample_policy
from support.fake_chat import HOOK_PATH, TEAMS_PATH, secrets, targets
from support.scrape import Scrape

from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, DEESCALATED, ESCALATED, Episode, Step
from zendesk_escalator.core.snapshot import TicketSnapshot
from zendesk_escalator.errors import NoticeFailed
from zendesk_escalator.observability.metrics import Metrics, exposition
from zendesk_escalator.store.escalations import Escalations
from zendesk_escalator.worker.notices import NoticeHandler, NoticePlanner, announce_targets

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=timezone.utc)
TICKET = TicketSnapshot(35436, status="open", priority="high", subject="Invoices do not load")
OPENED = Episode(
    ticket_id=35436,
    state=ACTIVE,
    opened_at=NOW,
    level=1,
    reason="customer_cc",
    rule="customer_cc",
    history=(Step(NOW, ACTIVE, 1, ESCALATED, reason="customer_cc"),),
)


def url(ticket_id: int) -> str:
    return f"https://acme.zendesk.com/agent/tickets/{ticket_id}"


@pytest.fixture
def told(chat):
    """The policy with a target of each kind, pointed at the fake chat."""
    return sample_policy(targets(chat))


def saved(inbox, policy, episode: Episode = OPENED) -> Episode:
    return Escalations(inbox.database).save(episode, NOW, NoticePlanner(policy, url).rows(TICKET))


def notice_rows(inbox):
    return [row for row in inbox.rows(limit=10_000) if row.kind == "notice"]


def counted(metrics: Metrics) -> dict:
    return Scrape(exposition(metrics).decode()).by("escalator_notices_total", "kind", "result")


def test_an_episode_saved_plans_one_row_per_target_once(inbox, told):
    episode = saved(inbox, told)
    rows = notice_rows(inbox)
    assert sorted(row.dedupe_key for row in rows) == [
        f"notice:{name}:{episode.id}:opened:0" for name in ("leads", "managers", "teams")
    ]
    assert {row.payload["url"] for row in rows} == {url(35436)}
    assert {(row.payload["subject"], row.payload["level_name"]) for row in rows} == {
        ("Invoices do not load", "team lead")
    }
    saved(inbox, told, episode)  # saved again without a new step: nobody is told twice
    assert len(notice_rows(inbox)) == 3


def test_a_new_step_is_told_from_that_step_on(inbox, told):
    episode = saved(inbox, told)
    saved(inbox, told, episode.moved(NOW + timedelta(hours=1), CLOSED, DEESCALATED))
    steps = sorted((row.payload["target"], row.payload["event"], row.payload["step"]) for row in notice_rows(inbox))
    assert [step for step in steps if step[2] == 1] == [(name, "closed", 1) for name in ("leads", "managers", "teams")]


def test_the_handler_sends_each_row_to_its_target_and_counts_it(inbox, told, chat):
    saved(inbox, told)
    metrics = Metrics(told)
    handled = NoticeHandler(told, metrics, 2.0, secrets(chat)).handle(notice_rows(inbox))
    assert [(len(rows), outcome.status) for rows, outcome in handled] == [(1, "sent")] * 3
    (hook,) = chat.delivered(HOOK_PATH)
    assert hook["text"] == f"Escalated: #35436 at level 1 (team lead) {url(35436)}"
    (bot,) = chat.delivered("/api/chat.postMessage")
    assert bot["channel"] == "C0ESCALATE" and bot["text"] == hook["text"]
    (card,) = chat.delivered(TEAMS_PATH)
    assert card["attachments"][0]["content"]["body"][0]["text"] == "Escalated: #35436 at level 1 (team lead)"
    assert counted(metrics) == {("slack_webhook", "sent"): 1, ("slack_bot", "sent"): 1, ("teams_workflow", "sent"): 1}


def test_an_outage_is_retried_a_refusal_is_not(inbox, told, chat):
    saved(inbox, told)
    rows = {row.payload["target"]: row for row in notice_rows(inbox)}
    metrics = Metrics(told)
    chat.outage = 503
    ((_, outage),) = NoticeHandler(told, metrics, 2.0, secrets(chat)).handle([rows["leads"]])
    chat.outage = None
    wrong_token = {**secrets(chat), "SLACK_BOT_TOKEN": "xoxb-revoked"}
    ((_, refused),) = NoticeHandler(told, metrics, 2.0, wrong_token).handle([rows["managers"]])
    assert isinstance(outage, NoticeFailed) and outage.retryable
    assert isinstance(refused, NoticeFailed) and not refused.retryable
    assert [(p.path, p.status) for p in chat.requests] == [(HOOK_PATH, 503), ("/api/chat.postMessage", 200)]
    assert counted(metrics) == {("slack_webhook", "failed"): 1, ("slack_bot", "refused"): 1}


def test_a_target_no_longer_in_the_policy_drops_its_notice(inbox, told, chat):
    saved(inbox, told)
    metrics = Metrics()
    handled = NoticeHandler(sample_policy(), metrics, 2.0, secrets(chat)).handle(notice_rows(inbox))
    assert {outcome.status for _, outcome in handled} == {"dropped"}
    assert chat.requests == [] and counted(metrics) == {}


def test_a_target_without_its_secret_is_named_at_start(told, chat, caplog):
    environ = {name: value for name, value in secrets(chat).items() if name != "TEAMS_WORKFLOW_URL"}
    with caplog.at_level(logging.WARNING, "zendesk_escalator.worker.notices"):
        announce_targets(told, {**environ, "SLACK_BOT_TOKEN": "  "})  # blank is not set
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["[[notify]] managers", "[[notify]] teams"]
    assert "TEAMS_WORKFLOW_URL is not set" in caplog.text
