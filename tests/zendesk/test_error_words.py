"""A failed admin call in plain words: what it means, what to do, and Zendesk's own details on one line."""

import pytest

from zendesk_escalator.errors import ZendeskRateLimited, ZendeskRejected, ZendeskUnavailable
from zendesk_escalator.zendesk.error_words import details, plain_words


def test_details_of_each_error_shape():
    assert (
        details({"errors": [{"code": "InvalidInput", "title": "Invalid endpoint URL", "detail": "must be https"}]})
        == "Invalid endpoint URL — must be https"
    )
    assert details({"error": {"title": "Bad", "message": "no webhook"}}) == "Bad — no webhook"
    assert details({"error": "RecordNotFound", "description": "Not found"}) == "RecordNotFound — Not found"
    assert details({}) == ""


@pytest.mark.parametrize(
    "error, words",
    [
        (ZendeskRateLimited(30.0), "Zendesk's rate limit was reached (429): try again in 30 seconds."),
        (ZendeskRateLimited(None), "Zendesk's rate limit was reached (429): try again in a minute."),
        (ZendeskUnavailable("timed out", 503), "Zendesk did not answer properly (503): try again later."),
        (
            ZendeskUnavailable("connection refused"),
            "Zendesk did not answer properly (connection refused): try again later.",
        ),
        (
            ZendeskRejected("401", 401, {"error": "Couldn't authenticate you"}),
            "Zendesk refused the credentials (401): check ZENDESK_SUBDOMAIN, ZENDESK_EMAIL and ZENDESK_API_TOKEN "
            "(or ZENDESK_OAUTH_TOKEN). Zendesk says: Couldn't authenticate you",
        ),
        (ZendeskRejected("403", 403), "the integration user may not do this (403): it must be an admin."),
        (ZendeskRejected("404", 404), "not found (404): it may have been deleted meanwhile."),
        (
            ZendeskRejected("422", 422, {"details": {"title": [{"description": "Title: is blank"}]}}),
            "Zendesk rejected the request (422): Zendesk says: title: Title: is blank",
        ),
        (ZendeskRejected("422", 422), "Zendesk rejected the request (422): no details given."),
        (ZendeskRejected("418", 418), "Zendesk refused the request (418)."),
    ],
)
def test_each_failure_says_what_it_means_and_what_to_do(error, words):
    assert plain_words(error).startswith(words)
