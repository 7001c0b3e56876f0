"""[report] in the policy file: off by default, one destination, a local time of day; errors name the key."""

from datetime import time

import pytest
from conftest import SAMPLES
from support.processes import ROOT

from zendesk_escalator.core.policy import ReportPolicy
from zendesk_escalator.errors import ConfigError
from zendesk_escalator.schemas.policy_file import load_policy, parse_policy

BASE = (SAMPLES / "policy.toml").read_text()


def report(section: str, base: str = BASE) -> ReportPolicy:
    return parse_policy(base + "\n[report]\n" + section).report


def test_off_unless_the_policy_has_the_section():
    assert parse_policy(BASE).report == ReportPolicy(enabled=False)


def test_a_note_on_a_ticket_at_a_local_time():
    assert report('ticket_id = 35000\ndaily_at = "7:30"\ntime_zone = "Eastern Time (US & Canada)"\n') == ReportPolicy(
        enabled=True, daily_at=time(7, 30), time_zone="Eastern Time (US & Canada)", ticket_id=35000
    )


def test_a_new_ticket_to_an_address_at_eight_utc_by_default():
    assert report('email = "csm@acme.example"\nname = "Casey Manager"\n') == ReportPolicy(
        enabled=True, daily_at=time(8, 0), email="csm@acme.example", name="Casey Manager"
    )


def test_the_example_policy_documents_it_and_loads():
    found = load_policy(ROOT / "examples" / "escalation.toml").report
    assert found.enabled and found.ticket_id and found.time_zone == "Europe/Berlin"


@pytest.mark.parametrize(
    "section, key, problem",
    [
        ("", "report.ticket_id", "set ticket_id (an internal note on that ticket) or email"),
        ('ticket_id = 1\nemail = "csm@acme.example"\n', "report.ticket_id", "one of the two"),
        ('email = "not an address"\n', "report.email", "Not a valid email address"),
        ('ticket_id = 1\ndaily_at = "24:00"\n', "report.daily_at", "'24:00' is not a time of day"),
        ("ticket_id = 1\ndaily_at = 8\n", "report.daily_at", 'write "HH:MM"'),
        ('ticket_id = 1\ntime_zone = "Mars/Olympus"\n', "report.time_zone", "unknown time zone 'Mars/Olympus'"),
        ('ticket_id = 1\nname = "Casey"\n', "report.name", "set email too"),
        ('ticket_id = 1\nformat = "csv"\n', "report.format", "unknown key; known here: daily_at, email"),
    ],
)
def test_mistakes_name_the_key(section, key, problem):
    with pytest.raises(ConfigError) as raised:
        report(section)
    assert raised.value.key == key and problem in raised.value.problem


def test_a_report_ticket_needs_the_integration_user_to_own_it():
    without = BASE.replace("integration_user_id = 900000000001", "")
    with pytest.raises(ConfigError) as raised:
        report('email = "csm@acme.example"\n', without)
    assert raised.value.key == "report.email" and "needs escalation.integration_user_id" in raised.value.problem
    assert report("ticket_id = 35000\n", without).ticket_id == 35000  # a note needs no owner


def test_turned_off_it_needs_no_destination():
    assert report("enabled = false\n") == ReportPolicy(enabled=False)
