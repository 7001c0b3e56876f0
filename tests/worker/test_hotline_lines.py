"""The hotline's Talk lines: the numbers of the [phone] lines named, read once (tests moved from
tests/worker/test_worker_start.py), and through the admin API of the credentials (responses)."""

import logging

import responses
from conftest import API, sample_policy

from zendesk_escalator.errors import ZendeskAdminError
from zendesk_escalator.settings import Settings
from zendesk_escalator.worker.hotline_lines import with_account_lines, with_line_numbers

TALK = f"{API}/channels/voice/phone_numbers.json"
LINES = [
    {"id": 11, "number": "+14155550100", "display_number": "+1 (415) 555-0100"},
    {"id": 12, "number": "+14155550199", "display_number": "+1 (415) 555-0199"},
]


def hotline(phone: str):
    return sample_policy("\n[phone]\n" + phone)


def test_the_lines_named_add_their_numbers():
    policy = with_line_numbers(hotline('numbers = ["+14155550123"]\nline_ids = [11]'), lambda: LINES)
    assert policy.phone.numbers == {"+14155550123", "+14155550100"}


def test_without_lines_nothing_is_read():
    def unread():
        raise AssertionError("read")

    policy = hotline('numbers = ["+14155550123"]')
    assert with_line_numbers(policy, unread) is policy


def test_lines_that_cannot_be_read_leave_the_numbers_and_say_so(caplog):
    def refused():
        raise ZendeskAdminError("GET /api/v2/channels/voice/phone_numbers.json", 403, "the integration user may not")

    policy = hotline('numbers = ["+14155550123"]\nline_ids = [11, 13]')
    with caplog.at_level(logging.ERROR):
        assert with_line_numbers(policy, refused).phone.numbers == {"+14155550123"}
    assert "calls to them are NOT escalated until the worker restarts" in caplog.text


def test_a_line_that_is_no_talk_line_is_named(caplog):
    with caplog.at_level(logging.WARNING):
        with_line_numbers(hotline("line_ids = [11, 13]"), lambda: LINES)
    assert "[phone] line_ids [13] are not Talk lines of this account" in caplog.text


def test_a_line_number_is_taken_as_e164_and_a_line_without_one_adds_nothing():
    lines = [{"id": 11, "number": "+1 (415) 555-0100"}, {"id": 12, "number": None}]
    policy = with_line_numbers(hotline("line_ids = [11, 12]"), lambda: lines)
    assert policy.phone.numbers == {"+14155550100"}


def test_the_policy_read_is_not_changed():
    policy = hotline("line_ids = [11]")
    assert with_line_numbers(policy, lambda: LINES).phone.numbers == {"+14155550100"}
    assert policy.phone.numbers == frozenset()  # a new policy: the one given stays as it was


@responses.activate
def test_the_account_lines_are_read_once_through_the_admin_api(caplog):
    responses.get(TALK, json={"phone_numbers": LINES, "meta": {"has_more": False}})
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken")
    with caplog.at_level(logging.INFO, "zendesk_escalator.worker.hotline_lines"):
        policy = with_account_lines(hotline('numbers = ["+14155550123"]\nline_ids = [12]'), settings)
    assert policy.phone.numbers == {"+14155550123", "+14155550199"}
    assert [c.request.url.split("?")[0] for c in responses.calls] == [TALK]
    assert "the escalation hotline: +14155550123, +14155550199" in caplog.text


@responses.activate
def test_the_account_lines_refused_leave_the_numbers_named():
    responses.get(TALK, status=403, json={"error": "Forbidden"})
    settings = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken")
    policy = with_account_lines(hotline('numbers = ["+14155550123"]\nline_ids = [12]'), settings)
    assert policy.phone.numbers == {"+14155550123"} and len(responses.calls) == 1
