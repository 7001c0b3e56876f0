"""The policy file's [phone] section: the hotline it loads to, and errors that name the key."""

import pytest
from support.policy_texts import EXAMPLE, NO_SECTIONS, refused_naming
from support.policy_texts import EXAMPLE_TEXT as TEXT

from zendesk_escalator.schemas.policy_file import load_policy, parse_policy


def test_the_example_loads_its_hotline():
    policy = load_policy(EXAMPLE)
    assert (policy.phone.numbers, policy.phone.line_ids, policy.phone.level, policy.phone.priority) == (
        {"+14155550100"},
        {360000610911},
        2,
        "urgent",
    )


def test_without_the_section_there_is_no_hotline():
    policy = parse_policy(NO_SECTIONS)
    assert not policy.phone.enabled


@pytest.mark.parametrize(
    "old, new", [('numbers = ["+14155550100"]', "numbers = []"), ("line_ids = [360000610911]", "line_ids = []")]
)
def test_the_hotline_is_named_by_numbers_or_lines(old, new):
    assert parse_policy(TEXT.replace(old, new, 1)).phone.enabled


NO_LINE = TEXT.replace("line_ids = [360000610911]", "line_ids = []", 1)
WRONG = [
    (TEXT, 'numbers = ["+14155550100"]', 'numbers = ["(415) 555-0100"]', "phone.numbers[1]", "E.164"),
    (NO_LINE, 'numbers = ["+14155550100"]', "numbers = []", "phone.numbers", "name the hotline"),
    (TEXT, 'reason = "phone"', 'reason = "Phone Call"', "phone.reason", "lower-case"),
    (
        TEXT,
        'level = 2\npriority = "urgent"           # priority floor',
        'level = 4\npriority = "urgent"           # priority floor',
        "phone.level",
        "level 4 has no [[levels]] entry",
    ),
]


@pytest.mark.parametrize("text, old, new, key, reason", WRONG, ids=[w[3] for w in WRONG])
def test_errors_name_the_key(text, old, new, key, reason):
    refused_naming(text, old, new, key, reason)
