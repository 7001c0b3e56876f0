"""One when = {...} condition for routes and impact, and the keys of release 0.1.0 still loading as one."""

from support.policy_texts import MINIMAL

from zendesk_escalator.core.conditions import When
from zendesk_escalator.schemas.policy_file import parse_policy


def test_one_when_condition_for_routes_and_impact():
    policy = parse_policy(
        MINIMAL
        + """
[[impact]]
reason = "production_down"
priority = "urgent"
when = { priority = ["high", "urgent"], phrases = ["production down"], tags_none = "test" }

[[routes]]
group_id = 7
when = { organization_id = 509974, fields = { "360010000005" = ["billing", "invoices"], "41" = true } }
"""
    )
    (impact,) = policy.impacts
    assert (impact.level, impact.when) == (
        2,
        When(priority=frozenset({"high", "urgent"}), tags_none=frozenset({"test"}), phrases=("production down",)),
    )
    (route,) = policy.routes
    assert route.when == When(
        organization_id=frozenset({509974}),
        fields=((360010000005, frozenset({"billing", "invoices"})), (41, frozenset({"true"}))),
    )


def test_keys_of_release_0_1_0_still_load_as_when_conditions():
    policy = parse_policy(
        MINIMAL
        + """
[[impact]]
tag = "outage"
reason = "outage"

[[routes]]
tags = ["vip"]
form_id = 5
field = { id = 9, value = "billing" }
group_id = 7
"""
    )
    assert policy.impacts[0].when == When(tags_any=frozenset({"outage"}))
    assert policy.routes[0].when == When(
        tags_any=frozenset({"vip"}), form_id=frozenset({5}), fields=((9, frozenset({"billing"})),)
    )
