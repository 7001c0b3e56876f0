"""One setting from its environment variable: a number in its range written in plain digits, the account's name
from its name or its address; each error names the variable."""

import pytest

from zendesk_escalator.errors import ConfigError
from zendesk_escalator.settings_values import number, subdomain


def test_a_number_is_read_within_its_range_and_absent_is_the_default():
    assert number({"ESCALATOR_API_TIMEOUT": "2.5"}, "ESCALATOR_API_TIMEOUT", 10.0) == 2.5
    assert number({"PORT": "8080"}, "PORT", 8000) == 8080
    assert number({}, "PORT", 8000) == 8000


@pytest.mark.parametrize(
    "key, text, default, problem",
    [
        ("PORT", "80.5", 8000, "'80.5' is not a number: write digits, such as 8000"),
        ("PORT", "70000", 8000, "70000 is out of range: 1 to 65535 (a TCP port)"),
        ("ESCALATOR_API_TIMEOUT", "1e3", 10.0, "'1e3' is not a number: write digits, such as 10"),
        ("ESCALATOR_API_TIMEOUT", "-1", 10.0, "'-1' is not a number"),
        ("ESCALATOR_API_TIMEOUT", "nan", 10.0, "'nan' is not a number"),
        ("ESCALATOR_API_TIMEOUT", "0.01", 10.0, "0.01 is out of range: 0.1 to 600 (seconds)"),
        ("ESCALATOR_SWEEP_RATE", "1_000", 60.0, "'1_000' is not a number"),
    ],
)
def test_anything_else_is_refused_naming_the_variable(key, text, default, problem):
    with pytest.raises(ConfigError) as caught:
        number({key: text}, key, default)
    assert caught.value.key == key and caught.value.problem.startswith(problem)


@pytest.mark.parametrize(
    "value, name",
    [
        ("acme", "acme"),
        ("Acme", "acme"),
        ("acme.zendesk.com", "acme"),
        ("https://ACME.zendesk.com/", "acme"),
        ("my-company2", "my-company2"),
        (None, None),
    ],
)
def test_the_account_is_its_name_or_its_address(value, name):
    assert subdomain(value) == name


@pytest.mark.parametrize("value", ["", "-acme", "acme.example.com", "https://acme.zendesk.com/agent", "ac me"])
def test_what_is_no_account_name_is_refused(value):
    with pytest.raises(ConfigError) as caught:
        subdomain(value)
    assert caught.value.key == "ZENDESK_SUBDOMAIN" and "is not an account name" in caught.value.problem
