"""Policy file texts the schema tests build on (the shipped example, the smallest policy that loads) and the check
that a changed text is refused naming the key."""

from pathlib import Path

import pytest

from zendesk_escalator.errors import ConfigError
from zendesk_escalator.schemas.policy_file import parse_policy

EXAMPLE = Path(__file__).parents[2] / "examples" / "escalation.toml"
EXAMPLE_TEXT = EXAMPLE.read_text()
MINIMAL = '[escalation]\naddresses = ["Escalation@Acme.example"]\n'
NO_SECTIONS = '[escalation]\naddresses = ["e@acme.example"]\n'  # the required addresses and nothing optional


def refused_naming(text: str, old: str, new: str, key: str, reason: str) -> None:
    """`text` with `old` replaced by `new` is refused: the error names `key` and says `reason`."""
    assert old in text
    with pytest.raises(ConfigError) as caught:
        parse_policy(text.replace(old, new, 1))
    assert caught.value.key == key and reason in caught.value.problem
