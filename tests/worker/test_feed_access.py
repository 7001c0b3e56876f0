"""report_feed_access: what a starting worker says about SLA tracking's change feed, from one users/me read
(responses); nothing read without [sla] or credentials."""

import logging

import pytest
import responses
from conftest import API, sample_policy

from zendesk_escalator.settings import Settings
from zendesk_escalator.worker.feed_access import report_feed_access

ME = f"{API}/users/me.json"
SLA = sample_policy('[sla]\nwarn_before = "30m"\n')
CREDENTIALS = Settings(subdomain="acme", email="bot@acme.example", api_token="t0ken", sweep_hours=6.0)


@pytest.mark.parametrize(
    "role, says",
    [
        ("admin", "SLA tracking: the integration user is an admin, so the change feed"),
        ("agent", "SLA tracking: the integration user is not an admin (role agent): the incremental export is refused"),
    ],
)
@responses.activate
def test_a_starting_worker_says_whether_sla_tracking_has_the_change_feed(caplog, role, says):
    caplog.set_level("INFO")
    responses.get(ME, json={"user": {"id": 900000000001, "role": role, "name": "Escalator"}})
    report_feed_access(CREDENTIALS, SLA)
    assert says in caplog.text and len(responses.calls) == 1
    assert [c.request.url for c in responses.calls] == [ME]


@responses.activate
def test_an_agent_is_told_how_often_the_sweep_keeps_the_timers(caplog):
    responses.get(ME, json={"user": {"id": 900000000001, "role": "agent"}})
    with caplog.at_level(logging.WARNING, "zendesk_escalator.worker.feed_access"):
        report_feed_access(CREDENTIALS, SLA)
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and "only the sweep keeps timers, every 6 h" in record.getMessage()


@responses.activate
def test_a_failed_read_says_the_feed_will_tell_and_does_not_raise(caplog):
    responses.get(ME, status=401, json={"error": "Couldn't authenticate you"})
    with caplog.at_level(logging.WARNING, "zendesk_escalator.worker.feed_access"):
        report_feed_access(CREDENTIALS, SLA)
    assert "could not tell whether the integration user is an admin" in caplog.text
    assert "the change feed will say so when it runs" in caplog.text


@pytest.mark.parametrize(
    "settings, policy",
    [
        (CREDENTIALS, sample_policy()),  # no [sla]: no feed to speak of
        (Settings(), SLA),  # no credentials: nobody to ask
    ],
    ids=["without-sla", "without-credentials"],
)
@responses.activate
def test_nothing_is_read_or_said_without_sla_or_credentials(caplog, settings, policy):
    caplog.set_level("INFO")
    report_feed_access(settings, policy)
    assert len(responses.calls) == 0 and "SLA tracking" not in caplog.text
