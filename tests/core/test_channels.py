"""The policy's outside channels: a hotline is on when it names a number or a line; a chat target's filter takes
the first event of a step it is told of; its secret is the variable of its kind."""

import pytest

from zendesk_escalator.core.channels import (
    BREACH,
    CLOSED,
    LEVEL,
    OPENED,
    SLACK_BOT,
    SLACK_WEBHOOK,
    TEAMS_WORKFLOW,
    HotlinePolicy,
    NoticeFilter,
    NotifyTarget,
)


def test_a_hotline_is_on_when_it_names_a_number_or_a_line():
    assert not HotlinePolicy().enabled
    assert HotlinePolicy(numbers=frozenset({"+14155550100"})).enabled
    assert HotlinePolicy(line_ids=frozenset({360000610911})).enabled


@pytest.mark.parametrize(
    "when, events, level, reason, event",
    [
        (NoticeFilter(), (BREACH, LEVEL), 2, "outage", BREACH),  # an empty filter takes every step
        (NoticeFilter(events=frozenset({LEVEL, CLOSED})), (BREACH, LEVEL), 2, "outage", LEVEL),
        (NoticeFilter(events=frozenset({CLOSED})), (OPENED, LEVEL), 2, "outage", None),
        (NoticeFilter(levels=frozenset({3})), (OPENED,), 2, "outage", None),
        (NoticeFilter(levels=frozenset({2, 3})), (OPENED,), 2, "outage", OPENED),
        (NoticeFilter(reasons=frozenset({"security"})), (OPENED,), 2, "outage", None),
        (NoticeFilter(levels=frozenset({2}), reasons=frozenset({"outage"})), (OPENED,), 2, "outage", OPENED),
        (NoticeFilter(), (), 2, "outage", None),
    ],
)
def test_a_filter_takes_the_first_event_of_a_step_at_its_levels_and_reasons(when, events, level, reason, event):
    assert when.first_event(events, level, reason) == event


def test_a_targets_secret_is_the_variable_its_kind_reads():
    both = {"url_env": "HOOK_URL", "token_env": "BOT_TOKEN"}
    assert NotifyTarget("a", SLACK_WEBHOOK, **both).secret_env == "HOOK_URL"
    assert NotifyTarget("b", TEAMS_WORKFLOW, **both).secret_env == "HOOK_URL"
    assert NotifyTarget("c", SLACK_BOT, **both).secret_env == "BOT_TOKEN"
    assert NotifyTarget("c", SLACK_BOT).api_url == "https://slack.com/api/"
