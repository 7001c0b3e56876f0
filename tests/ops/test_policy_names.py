"""What a policy names in Zendesk, and where: the list `check` works from."""

from pathlib import Path

from conftest import EXTRA_ROUTE, sample_policy
from core.test_purity import FORBIDDEN, imported_modules

from zendesk_escalator.ops import policy_names
from zendesk_escalator.ops.policy_names import names_in
from zendesk_escalator.schemas.policy_file import parse_policy


def test_it_does_no_io():
    assert imported_modules(Path(policy_names.__file__)) & FORBIDDEN == set()


def test_every_id_is_listed_once_with_every_place_that_names_it():
    names = names_in(sample_policy(EXTRA_ROUTE))
    assert names.groups == {
        360000000001: ["escalation.default_group_id"],
        360000000002: ["routes[1].group_id"],
        360000000003: ["routes[2].group_id"],
        360000000004: ["routes[3].group_id"],
    }
    assert names.users[900000000011] == ["levels[1].followers", "levels[2].followers", "levels[3].followers"]
    assert names.users[900000000021] == ["routes[1].assignee_id"]
    assert names.users[900000000001] == ["escalation.integration_user_id"]
    assert names.fields == {
        360010000001: ["fields.status"],
        360010000002: ["fields.level"],
        360010000003: ["fields.reason"],
        360010000004: ["fields.escalated_at"],
        360010000005: ["routes[2].when.fields"],
    }
    assert names.options == {
        360010000001: {
            "escalation_active": ["field_values.active"],
            "escalation_requested": ["field_values.requested"],
        },
        360010000005: {"billing": ["routes[2].when.fields"]},
    }
    assert names.forms == {360000144212: ["routes[3].when.form_id"]}
    assert names.brands == {360002783572: ["routes[3].when.brand_id"]}
    assert names.organizations == {
        509974: ["routes[3].when.organization_id"],
        509975: ["routes[3].when.organization_id"],
    }


def test_a_policy_without_fields_names_no_options():
    names = names_in(parse_policy('[escalation]\naddresses = ["e@acme.example"]\n'))
    assert (names.groups, names.users, names.fields, names.options) == ({}, {}, {}, {})


def test_a_levels_entry_is_named_by_its_place_in_the_file_as_every_list_entry_is():
    names = names_in(
        parse_policy(
            '[escalation]\naddresses = ["e@acme.example"]\n'
            "[[levels]]\nlevel = 2\nfollowers = [7]\n[[levels]]\nlevel = 1\nfollowers = [8]\n"
        )
    )
    assert names.users == {7: ["levels[1].followers"], 8: ["levels[2].followers"]}
