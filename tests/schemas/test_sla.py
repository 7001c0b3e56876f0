"""The policy file's [sla] section: what it loads to, and errors that name the key."""

from datetime import timedelta

import pytest
from support.policy_texts import MINIMAL

from zendesk_escalator.errors import ConfigError
from zendesk_escalator.schemas.policy_file import parse_policy


def test_the_sla_section(tmp_path):
    policy = parse_policy(
        MINIMAL
        + """
[sla]
warn_before = false
stages = 80
repeat_every = "1h30m"
grace = "5m"
time_zone = "Eastern Time (US & Canada)"

[[sla.fallback]]
first_reply = "1d"
schedule = "office"

[schedules.office]
time_zone = "Europe/Berlin"
hours = { monday = "09:00-17:00" }
"""
    )
    sla = policy.sla
    assert (sla.enabled, sla.warn_before, sla.stages, sla.grace) == (True, None, (80,), timedelta(minutes=5))
    assert sla.repeat_every == timedelta(hours=1, minutes=30) and sla.fallback[0].first_reply == timedelta(days=1)
    assert parse_policy(MINIMAL).sla.enabled is False


@pytest.mark.parametrize(
    "section, key",
    [
        ('[sla]\nwarn_before = "soon"', "sla.warn_before"),
        ("[sla]\nstages = [150]", "sla.stages[1]"),
        ("[sla]\nbreach_level = 5", "sla.breach_level"),
        ('[sla]\ntime_zone = "Atlantis"', "sla.time_zone"),
        ('[sla]\nschedule = "night"', "sla.schedule"),
        ('[[sla.fallback]]\nfirst_reply = "1h"\nschedule = "night"', "sla.fallback[1].schedule"),
    ],
)
def test_sla_errors_name_the_key(section, key):
    with pytest.raises(ConfigError) as caught:
        parse_policy(MINIMAL + section)
    assert caught.value.key == key
