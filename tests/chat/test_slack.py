"""Slack through slack_sdk against the fake chat: the body posted, the answer in a few words, refusals as errors."""

import socket

import pytest
from support.fake_chat import BOT_TOKEN, HOOK_PATH

from zendesk_escalator.chat.slack import SlackBot, SlackWebhook
from zendesk_escalator.errors import NoticeFailed

MESSAGE = {"text": "Ticket #7 escalated", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*#7*"}}]}


def closed_port() -> int:
    """A port on this machine nobody listens on (a chat that does not answer)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_webhook_posts_the_text_and_blocks_and_says_what_slack_answered(chat):
    assert SlackWebhook(chat.slack_webhook, 5).send(MESSAGE) == "200 ok"
    (posted,) = chat.requests
    assert (posted.path, posted.body) == (HOOK_PATH, MESSAGE)
    assert posted.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("status, retryable", [(503, True), (500, True), (429, True), (408, True), (403, False)])
def test_a_webhook_refusal_is_retried_only_when_it_is_slacks_trouble(chat, status, retryable):
    chat.outage = status
    with pytest.raises(NoticeFailed) as caught:
        SlackWebhook(chat.slack_webhook, 5).send(MESSAGE)
    failed = caught.value
    assert (str(failed), failed.retryable, failed.status) == (
        f"slack_webhook answered {status}: upstream connect error",
        retryable,
        status,
    )


def test_an_unknown_webhook_is_permanent_and_the_error_never_holds_its_url(chat):
    url = chat.url + "/services/T0001/B0001/revoked-secret"
    with pytest.raises(NoticeFailed) as caught:
        SlackWebhook(url, 5).send(MESSAGE)
    assert (str(caught.value), caught.value.retryable) == ("slack_webhook answered 404: no_service", False)
    assert "revoked-secret" not in str(caught.value)


def test_no_answer_names_the_host_never_the_secret_path_and_is_retried():
    with pytest.raises(NoticeFailed) as caught:
        SlackWebhook(f"http://127.0.0.1:{closed_port()}/services/T0/B0/hook-secret", 2).send(MESSAGE)
    assert str(caught.value).startswith("slack_webhook: no answer from 127.0.0.1 (")
    assert "hook-secret" not in str(caught.value) and caught.value.retryable


def test_a_bot_posts_to_its_channel_with_its_token_and_gives_the_messages_ts(chat):
    assert SlackBot(BOT_TOKEN, "C0ESCALATE", chat.slack_api, 5).send(MESSAGE) == "ok, ts 1700000000.000001"
    (posted,) = chat.requests
    assert posted.path == "/api/chat.postMessage"
    assert posted.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert posted.body == {"channel": "C0ESCALATE", **MESSAGE}


@pytest.mark.parametrize(
    "token, channel, said",
    [("xoxb-wrong", "C0ESCALATE", "invalid_auth"), (BOT_TOKEN, "C0NOWHERE", "channel_not_found")],
)
def test_a_bot_refused_in_slacks_ok_false_is_permanent_and_names_slacks_error(chat, token, channel, said):
    with pytest.raises(NoticeFailed) as caught:
        SlackBot(token, channel, chat.slack_api, 5).send(MESSAGE)
    assert (str(caught.value), caught.value.retryable) == (f"slack_bot answered {said}", False)
    assert token not in str(caught.value)


def test_a_bot_told_slack_is_rate_limited_in_ok_false_is_retried(chat, monkeypatch):
    monkeypatch.setattr(chat, "_post_message", lambda body, headers: {"ok": False, "error": "ratelimited"})
    with pytest.raises(NoticeFailed) as caught:
        SlackBot(BOT_TOKEN, "C0ESCALATE", chat.slack_api, 5).send(MESSAGE)
    assert (str(caught.value), caught.value.retryable) == ("slack_bot answered ratelimited", True)


def test_a_bot_refused_by_the_http_status_is_retried_when_slack_is_in_trouble(chat):
    chat.outage = 502
    with pytest.raises(NoticeFailed) as caught:
        SlackBot(BOT_TOKEN, "C0ESCALATE", chat.slack_api, 5).send(MESSAGE)
    assert (caught.value.status, caught.value.retryable) == (502, True)
    assert str(caught.value).startswith("slack_bot answered 502")
    assert len(chat.requests) == 1  # the SDK's own retries are off: the inbox retries


def test_a_bot_with_no_answer_names_the_host_and_is_retried():
    with pytest.raises(NoticeFailed) as caught:
        SlackBot(BOT_TOKEN, "C0ESCALATE", f"http://127.0.0.1:{closed_port()}/api/", 2).send(MESSAGE)
    assert str(caught.value).startswith("slack_bot: no answer from 127.0.0.1 (") and caught.value.retryable
    assert BOT_TOKEN not in str(caught.value)
