"""The policy file's [[notify]] sections: the chat targets they load to, and errors that name the key."""

import pytest
from support.policy_texts import EXAMPLE, NO_SECTIONS, refused_naming
from support.policy_texts import EXAMPLE_TEXT as TEXT

from zendesk_escalator.core.channels import NoticeFilter
from zendesk_escalator.schemas.policy_file import load_policy, parse_policy


def test_the_example_loads_its_chat_targets():
    policy = load_policy(EXAMPLE)
    assert [(t.name, t.kind, t.secret_env) for t in policy.notify] == [
        ("leads", "slack_webhook", "SLACK_WEBHOOK_URL"),
        ("support_managers", "slack_bot", "SLACK_BOT_TOKEN"),
        ("head_of_support", "teams_workflow", "TEAMS_WORKFLOW_URL"),
    ]
    assert policy.notify[2].when == NoticeFilter(levels=frozenset({3}), events=frozenset({"opened", "level", "closed"}))
    assert policy.notify[1].channel == "C0123456789"


def test_without_the_sections_there_is_no_one_to_tell():
    policy = parse_policy(NO_SECTIONS)
    assert policy.notify == ()


WRONG = [
    (
        TEXT,
        'url_env = "SLACK_WEBHOOK_URL"',
        'url_env = "https://hooks.slack.com/services/T0/B0/x"',
        "notify[1].url_env",
        "never the secret itself",
    ),
    (
        TEXT,
        'token_env = "SLACK_BOT_TOKEN"',
        'token_env = "xoxb-123-456"',
        "notify[2].token_env",
        "never the secret itself",
    ),
    (TEXT, 'kind = "teams_workflow"', 'kind = "teams"', "notify[3].kind", "Must be one of"),
    (TEXT, 'channel = "C0123456789"', "", "notify[2].channel", "required for kind slack_bot"),
    (
        TEXT,
        'url_env = "TEAMS_WORKFLOW_URL"',
        'url_env = "TEAMS_WORKFLOW_URL"\nchannel = "x"',
        "notify[3].channel",
        "not a key of kind teams_workflow",
    ),
    (TEXT, "when = { levels = [3], events", "when = { levels = [0], events", "notify[3].when.levels[1]", "99"),
    (
        TEXT,
        'events = ["opened", "level", "closed"]',
        'events = ["opened", "raised"]',
        "notify[3].when.events[2]",
        "Must be one of",
    ),
    (TEXT, 'name = "head_of_support"', 'name = "leads"', "notify[3].name", "also notify[1].name"),
    (TEXT, 'name = "head_of_support"', 'name = "Head of support"', "notify[3].name", "lower-case"),
    (
        TEXT,
        "when = { levels = [3], events",
        "when = { level = [3], events",
        "notify[3].when.level",
        "unknown key; did you mean 'levels'?",
    ),
]


@pytest.mark.parametrize("text, old, new, key, reason", WRONG, ids=[w[3] for w in WRONG])
def test_errors_name_the_key(text, old, new, key, reason):
    refused_naming(text, old, new, key, reason)
