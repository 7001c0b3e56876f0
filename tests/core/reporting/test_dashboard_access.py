"""Who may open the dashboard after signing in with Zendesk: admins always, agents when the policy names the agent
role or their custom role, nobody else; and how the page names a role."""

import pytest

from zendesk_escalator.core.policy import DashboardPolicy
from zendesk_escalator.core.reporting.dashboard_access import may_open, role_name

ADMINS_ALONE, AGENTS, MANAGERS = (
    DashboardPolicy(),
    DashboardPolicy(frozenset({"agent"})),
    DashboardPolicy(frozenset({360000123})),
)


@pytest.mark.parametrize(
    "user, policy, allowed",
    [
        ({"role": "admin"}, ADMINS_ALONE, True),
        ({"role": "agent"}, ADMINS_ALONE, False),
        ({"role": "agent"}, AGENTS, True),
        ({"role": "agent", "custom_role_id": 360000123}, MANAGERS, True),
        ({"role": "agent", "custom_role_id": 360000999}, MANAGERS, False),
        ({"role": "agent"}, MANAGERS, False),
        ({"role": "end-user"}, AGENTS, False),
        ({"role": "end-user", "custom_role_id": 360000123}, MANAGERS, False),
        ({}, AGENTS, False),
    ],
)
def test_admins_and_the_roles_the_policy_names_may_open_it(user, policy, allowed):
    assert may_open(user, policy) is allowed


def test_a_role_is_named_with_its_custom_role():
    assert role_name({"role": "agent", "custom_role_id": 360000123}) == "agent (custom role 360000123)"
    assert (role_name({"role": "end-user"}), role_name({})) == ("end-user", "unknown")
