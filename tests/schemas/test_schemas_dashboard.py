"""The policy file's [dashboard] roles: admins alone by default, roles or custom role ids; errors name the key."""

import pytest
from support.policy_texts import MINIMAL

from zendesk_escalator.errors import ConfigError
from zendesk_escalator.schemas.policy_file import parse_policy


def test_the_dashboard_roles():
    assert parse_policy(MINIMAL).dashboard.roles == frozenset()  # admins alone
    assert parse_policy(MINIMAL + '[dashboard]\nroles = ["agent", 360000123, "360000124"]\n').dashboard.roles == {
        "agent",
        360000123,
        360000124,
    }


@pytest.mark.parametrize(
    "roles, problem",
    [
        ('["end-user"]', "dashboard.roles[1]: end-users never see the dashboard"),
        ('["agent", "managers"]', "dashboard.roles[2]: unknown role 'managers'"),
        ("[1.5]", "dashboard.roles[1]: must be a positive integer id"),
        ('"agent"', "dashboard.roles: Not a valid list."),
    ],
)
def test_dashboard_roles_errors_name_the_key(roles, problem):
    with pytest.raises(ConfigError) as refused:
        parse_policy(MINIMAL + f"[dashboard]\nroles = {roles}\n")
    assert str(refused.value).startswith(problem)
