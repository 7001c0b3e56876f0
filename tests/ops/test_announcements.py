"""What a starting process says of itself: where it listens and who can reach it, and loudly when it accepts
unsigned webhooks, updates nothing (dry run) or lacks the integration user."""

import logging
from dataclasses import replace

import pytest

from zendesk_escalator.ops.announcements import announce_address, announce_modes
from zendesk_escalator.settings import Settings


@pytest.mark.parametrize(
    "host, secrets, level, says",
    [
        ("127.0.0.1", (), logging.INFO, "listening on http://127.0.0.1:8000: this machine only"),
        ("0.0.0.0", ("s",), logging.INFO, "listening on http://0.0.0.0:8000"),
        ("0.0.0.0", (), logging.WARNING, "listening on http://0.0.0.0:8000 while UNSIGNED WEBHOOKS ARE ACCEPTED"),
    ],
)
def test_where_it_listens_and_who_can_reach_it(caplog, host, secrets, level, says):
    caplog.set_level(logging.INFO)
    announce_address(Settings(port=8000, webhook_secrets=secrets), host)
    (record,) = caplog.records
    assert record.levelno == level and record.getMessage().startswith(says)


def test_a_service_doing_the_real_thing_says_nothing(caplog, settings, policy):
    caplog.set_level(logging.INFO)
    announce_modes(settings, replace(policy, integration_user_id=900000000001))
    assert caplog.records == []


def test_unsigned_webhooks_a_dry_run_and_no_integration_user_are_each_said_loudly(caplog, policy):
    caplog.set_level(logging.INFO)
    announce_modes(Settings(dry_run=True), replace(policy, integration_user_id=None))
    unsigned, dry_run, guard = (r.getMessage() for r in caplog.records)
    assert "UNSIGNED WEBHOOKS ARE ACCEPTED" in unsigned
    assert dry_run.startswith("!!! DRY RUN (no Zendesk credentials): tickets will NOT be updated")
    assert guard.startswith("escalation.integration_user_id is not set in the policy")
    assert {r.levelno for r in caplog.records} == {logging.WARNING}
