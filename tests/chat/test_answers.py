"""What a chat answered, as errors: retried on the chat's own trouble, the answer's first words, never the URL."""

import pytest

from zendesk_escalator.chat.answers import refusal, seconds, unreachable


@pytest.mark.parametrize("status, retryable", [(429, True), (408, True), (500, True), (503, True), (400, False)])
def test_a_refusal_is_retried_on_429_408_and_5xx(status, retryable):
    failed = refusal("slack_webhook", status, "no", 3.0)
    assert (failed.retryable, failed.status, failed.retry_after) == (retryable, status, 3.0)


def test_a_refusal_quotes_the_answers_first_200_characters_on_one_line():
    failed = refusal("teams_workflow", 400, "Bad\n  request:\t" + "x" * 300)
    assert str(failed) == "teams_workflow answered 400: Bad request: " + "x" * 187


def test_no_answer_names_the_host_and_the_os_reason_never_the_path():
    failed = unreachable("slack_webhook", "https://hooks.slack.com/services/T0/B0/secret", OSError(111, "refused"))
    assert (str(failed), failed.retryable) == ("slack_webhook: no answer from hooks.slack.com (refused)", True)


@pytest.mark.parametrize("value, parsed", [("12", 12.0), ("0.5", 0.5), ("-3", 0.0), (None, None), ("soon", None)])
def test_retry_after_in_seconds(value, parsed):
    assert seconds(value) == parsed
