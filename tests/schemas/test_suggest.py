"""An unknown key in the policy file is named with the nearest known one, or the keys known there."""

import pytest
from support.policy_texts import MINIMAL

from zendesk_escalator.errors import ConfigError
from zendesk_escalator.schemas.policy_file import parse_policy


@pytest.mark.parametrize(
    "text, problem",
    [
        (
            '[escalation]\naddresses = ["a@acme.example"]\nintegraton_user_id = 1\n',
            "escalation.integraton_user_id: unknown key; did you mean 'integration_user_id'?",
        ),
        (
            MINIMAL + '[[routes]]\ngroup_id = 1\nwhen = { tagz_any = ["x"] }\n',
            "routes[1].when.tagz_any: unknown key; did you mean 'tags_any'?",
        ),
        (MINIMAL + '[sla]\nwarn_befor = "30m"\n', "sla.warn_befor: unknown key; did you mean 'warn_before'?"),
        (MINIMAL + "zzz = 1\n", "escalation.zzz: unknown key; known here: addresses, "),
    ],
)
def test_an_unknown_key_is_named_with_the_nearest_known_one(text, problem):
    with pytest.raises(ConfigError) as refused:
        parse_policy(text)
    assert str(refused.value).startswith(problem)
