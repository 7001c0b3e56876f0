"""A sender per [[notify]] kind, its secret from the environment: what each posts, and the targets it refuses."""

import pytest
from support.fake_chat import BOT_TOKEN, HOOK_PATH, TEAMS_PATH, secrets
from support.notice_cases import TICKET, opened, targets_policy

from zendesk_escalator.chat.senders import message_for, sender_for
from zendesk_escalator.core.channels import SLACK_BOT, SLACK_WEBHOOK, TEAMS_WORKFLOW, NotifyTarget
from zendesk_escalator.core.reporting.notices import notices
from zendesk_escalator.errors import NoticeFailed

TEST_TEXT = "zendesk-escalator: a test message from `escalator check --notify-test`. No escalation happened."


def targets(chat) -> dict[str, NotifyTarget]:
    return {
        SLACK_WEBHOOK: NotifyTarget("leads", SLACK_WEBHOOK, url_env="SLACK_WEBHOOK_URL"),
        SLACK_BOT: NotifyTarget(
            "managers", SLACK_BOT, token_env="SLACK_BOT_TOKEN", channel="C0ESCALATE", api_url=chat.slack_api
        ),
        TEAMS_WORKFLOW: NotifyTarget("teams", TEAMS_WORKFLOW, url_env="TEAMS_WORKFLOW_URL"),
    }


@pytest.mark.parametrize(
    "kind, path, answer",
    [
        (SLACK_WEBHOOK, HOOK_PATH, "200 ok"),
        (SLACK_BOT, "/api/chat.postMessage", "ok, ts 1700000000.000001"),
        (TEAMS_WORKFLOW, TEAMS_PATH, "202"),
    ],
)
def test_each_kind_posts_the_test_message_in_its_format_with_the_secret_from_the_environment(chat, kind, path, answer):
    target = targets(chat)[kind]
    assert sender_for(target, secrets(chat), 5).send(message_for(target, None)) == answer
    (posted,) = chat.requests
    assert posted.path == path
    if kind == TEAMS_WORKFLOW:
        (card,) = posted.body["attachments"]
        assert card["content"]["body"][0]["text"] == TEST_TEXT.replace("`", "")
    else:
        assert posted.body["text"] == TEST_TEXT and posted.body["blocks"][0]["text"]["text"] == TEST_TEXT
    if kind == SLACK_BOT:
        assert (posted.body["channel"], posted.headers["authorization"]) == ("C0ESCALATE", f"Bearer {BOT_TOKEN}")


@pytest.mark.parametrize("environ", [{}, {"SLACK_WEBHOOK_URL": "  "}])
def test_an_unset_variable_is_a_permanent_failure_naming_it(chat, environ):
    with pytest.raises(NoticeFailed) as caught:
        sender_for(targets(chat)[SLACK_WEBHOOK], environ, 5)
    assert str(caught.value) == "slack_webhook leads: the environment variable SLACK_WEBHOOK_URL is not set"
    assert not caught.value.retryable and chat.requests == []


@pytest.mark.parametrize("kind", [SLACK_WEBHOOK, TEAMS_WORKFLOW])
def test_a_webhook_variable_without_a_url_is_permanent_and_its_value_is_not_repeated(chat, kind):
    target = targets(chat)[kind]
    with pytest.raises(NoticeFailed) as caught:
        sender_for(target, {target.secret_env: "ftp-or-a-pasted-token-xyz"}, 5)
    assert str(caught.value) == f"{kind} {target.name}: {target.secret_env} holds no http(s) URL"
    assert not caught.value.retryable


def test_a_bot_token_is_no_url_and_is_taken_without_the_blanks_around_it(chat):
    target = targets(chat)[SLACK_BOT]
    sender = sender_for(target, {"SLACK_BOT_TOKEN": f" {BOT_TOKEN}\n"}, 5)
    assert sender.send(message_for(target, None)).startswith("ok")
    assert chat.requests[0].headers["authorization"] == f"Bearer {BOT_TOKEN}"


def test_a_notice_is_formatted_for_slack_or_for_teams(chat):
    (notice,) = notices(opened(), 0, TICKET, targets_policy(), "https://acme.zendesk.com/agent/tickets/35436")
    for kind in (SLACK_WEBHOOK, SLACK_BOT):
        slack = message_for(targets(chat)[kind], notice)
        assert set(slack) == {"text", "blocks"} and "35436" in slack["text"]
    teams = message_for(targets(chat)[TEAMS_WORKFLOW], notice)
    assert teams["type"] == "message" and teams["attachments"][0]["contentType"].endswith("card.adaptive")
