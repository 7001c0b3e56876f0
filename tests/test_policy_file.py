from pathlib import Path

import pytest

from zendesk_escalator.errors import ConfigError
from zendesk_escalator.core.policy import DEFAULT_NOTE
from zendesk_escalator.policy_file import load_policy, parse_policy

EXAMPLE = Path(__file__).parent.parent / "examples" / "escalation.toml"
MINIMAL = '[escalation]\naddresses = ["Escalation@Acme.example"]\n'


def test_shipped_example_is_valid():
    policy = load_policy(EXAMPLE)
    assert "escalation@acme.example" in policy.addresses
    assert {i.tag for i in policy.impacts} >= {"production_down", "security_breach", "data_loss", "outage"}
    assert policy.level(3).followers


def test_minimal_policy_has_sensible_defaults():
    policy = parse_policy(MINIMAL)
    assert policy.addresses == frozenset({"escalation@acme.example"})
    assert (policy.manual.tag, policy.escalated_tag, policy.note_template) == ("escalate", "escalated", DEFAULT_NOTE)
    assert policy.level(4).followers == ()


@pytest.mark.parametrize("text, key", [
    ("", "escalation"),
    ('[escalation]\naddresses = ["not-an-address"]', "escalation.addresses.0"),
    ('[escalation]\naddresses = []', "escalation.addresses"),
    (MINIMAL + 'typo_key = 1', "escalation.typo_key"),
    (MINIMAL + '[cc]\npriority = "asap"', "cc.priority"),
    (MINIMAL + '[[impact]]\ntag = "x"\nreason = "Has Spaces"', "impact.0.reason"),
    (MINIMAL + '[[routes]]\ntags = ["a"]', "routes.0.group_id"),
    (MINIMAL + '[fields]\nstatus = "abc"', "fields.status"),
    (MINIMAL.replace("]\n", "]\nnote_template = \"$who\"\n", 1), "escalation.note_template"),
    ("[escalation\n", "policy"),
])
def test_errors_name_the_key(text, key):
    with pytest.raises(ConfigError) as caught:
        parse_policy(text)
    assert caught.value.key == key


def test_missing_file_names_the_variable(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_policy(tmp_path / "nope.toml")
    assert caught.value.key == "ESCALATOR_RULES"
