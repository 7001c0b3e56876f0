"""`escalator check` on the chat targets: the environment variables, and with --notify-test what each chat answered."""

import re

import pytest
from conftest import SAMPLES
from support.fake_chat import BOT_TOKEN, HOOK_PATH, TEAMS_PATH, secrets, targets

from zendesk_escalator.cli import main


@pytest.fixture
def checked(chat, monkeypatch, tmp_path, capsys):
    """Run `escalator check` (no Zendesk credentials: the chat rows come first) and return its rows by subject."""
    monkeypatch.chdir(tmp_path)
    for key in ("ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN", "ZENDESK_OAUTH_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    for name, value in secrets(chat, "CHECK_").items():
        monkeypatch.setenv(name, value)

    def run(*options: str, channel: str = "C0ESCALATE") -> tuple[dict, str]:
        rules = tmp_path / "policy.toml"
        rules.write_text((SAMPLES / "policy.toml").read_text() + targets(chat, "CHECK_", channel))
        main(["check", "--rules", str(rules), *options])
        out = capsys.readouterr().out
        rows = dict(
            re.match(r"(\w+)\s+(notify \w+)\s+(.*)", line).group(2, 1)
            for line in out.splitlines()
            if re.match(r"\w+\s+notify ", line)
        )
        return rows, out

    return run


def test_each_targets_variable_is_named_and_no_message_is_sent(checked, chat):
    rows, out = checked()
    assert rows == {"notify leads": "OK", "notify managers": "OK", "notify teams": "OK"}
    assert "slack_bot to channel C0ESCALATE: CHECK_SLACK_BOT_TOKEN is set" in out
    assert chat.requests == []


def test_a_variable_not_set_is_a_problem_naming_it_and_its_key(checked, monkeypatch):
    monkeypatch.delenv("CHECK_TEAMS_WORKFLOW_URL")
    rows, out = checked()
    assert rows["notify teams"] == "PROBLEM"
    assert "CHECK_TEAMS_WORKFLOW_URL is not set (notify[3].url_env): its notices would fail" in out


def test_notify_test_sends_one_test_message_each_and_shows_the_answers(checked, chat):
    rows, out = checked("--notify-test")
    assert set(rows.values()) == {"OK"}
    assert "test message sent: slack_webhook answered 200 ok" in out
    assert "test message sent to channel C0ESCALATE: slack_bot answered ok, ts 1700000000.000001" in out
    assert "test message sent: teams_workflow answered 202" in out
    assert len(chat.delivered(HOOK_PATH)) == len(chat.delivered(TEAMS_PATH)) == 1
    assert chat.delivered(HOOK_PATH)[0]["text"].startswith("zendesk-escalator: a test message")
    for secret in ("hook-secret", BOT_TOKEN, "teams-secret"):
        assert secret not in out


def test_notify_test_names_the_host_that_did_not_answer_and_why(checked, monkeypatch):
    monkeypatch.setenv("CHECK_TEAMS_WORKFLOW_URL", "http://127.0.0.1:9/workflows/secret-path")  # nothing listens
    monkeypatch.setenv("CHECK_SLACK_WEBHOOK_URL", "http://127.0.0.1:9/services/secret-path")
    rows, out = checked("--notify-test")
    assert rows["notify teams"] == rows["notify leads"] == "PROBLEM"
    assert "teams_workflow: no answer from 127.0.0.1 (Connection refused)" in out
    assert "slack_webhook: no answer from 127.0.0.1 (Connection refused)" in out
    assert "secret-path" not in out


def test_notify_test_shows_a_refusal(checked):
    rows, out = checked("--notify-test", channel="C0UNKNOWN")
    assert rows["notify managers"] == "PROBLEM"
    assert "test message to channel C0UNKNOWN not delivered: slack_bot answered channel_not_found" in out
