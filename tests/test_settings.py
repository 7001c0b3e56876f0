"""Settings from the environment: defaults, refusals naming the variable, .env."""

import json
import logging
import math
import os

import pytest
import responses
from hypothesis import strategies as st
from support.fuzzing import fuzz

from zendesk_escalator.actions import ZendeskWriter
from zendesk_escalator.errors import ConfigError
from zendesk_escalator.settings import load_settings

FULL = {
    "ZENDESK_SUBDOMAIN": "acme",
    "ZENDESK_EMAIL": "bot@acme.example",
    "ZENDESK_API_TOKEN": "t",
    "ZENDESK_WEBHOOK_SECRET": "s1, s2 ,",
}


def test_full_environment():
    settings = load_settings(FULL)
    assert settings.webhook_secrets == ("s1", "s2")
    assert settings.has_credentials and not settings.dry_run
    assert settings.zendesk_base_url == "https://acme.zendesk.com"
    assert settings.database_url == "sqlite:///escalator.db"


def test_no_secret_refuses_to_start():
    with pytest.raises(ConfigError) as caught:
        load_settings({**FULL, "ZENDESK_WEBHOOK_SECRET": ""})
    assert caught.value.key == "ZENDESK_WEBHOOK_SECRET"


def test_development_flag_allows_unsigned_and_worker_needs_no_secret():
    assert load_settings({"ESCALATOR_ALLOW_UNSIGNED": "1"}).allow_unsigned
    assert load_settings({**FULL, "ZENDESK_WEBHOOK_SECRET": ""}, web=False).has_credentials


def test_no_credentials_forces_dry_run():
    assert load_settings({"ZENDESK_WEBHOOK_SECRET": "s"}).dry_run


def test_oauth_and_api_url_override():
    settings = load_settings(
        {
            "ZENDESK_SUBDOMAIN": "acme",
            "ZENDESK_OAUTH_TOKEN": "o",
            "ZENDESK_WEBHOOK_SECRET": "s",
            "ZENDESK_API_URL": "http://127.0.0.1:8999/",
        }
    )
    assert settings.has_credentials and settings.zendesk_base_url == "http://127.0.0.1:8999"


@pytest.mark.parametrize(
    "key, value",
    [
        ("PORT", "eighty"),
        ("ZENDESK_API_URL", "ftp://x"),
        ("LOG_LEVEL", "LOUD"),
        ("ESCALATOR_RETRY_BUDGET_HOURS", "0"),
        ("DATABASE_URL", "sqlite:////no/such/folder/escalator.db"),
        ("ESCALATOR_ADMIN_TOKEN", "short-token"),
        ("ESCALATOR_APP_TOKEN", "x" * 31),
        ("ESCALATOR_APP_TOKEN", "y" * 20 + " with a space"),
        ("ESCALATOR_APP_TOKEN", "ü" * 40),
    ],
)
def test_bad_values_name_the_variable(key, value):
    with pytest.raises(ConfigError) as caught:
        load_settings({**FULL, key: value})
    assert key in caught.value.key


def test_admin_token_opens_the_dashboard_only_when_set():
    assert load_settings(FULL).admin_token is None
    assert (
        load_settings({**FULL, "ESCALATOR_ADMIN_TOKEN": " a-long-enough-token "}).admin_token == "a-long-enough-token"
    )


def test_the_app_token_opens_the_sidebar_endpoint_only_when_set_and_never_is_the_admin_token():
    assert load_settings(FULL).app_token is None
    token = "q" * 32
    assert load_settings({**FULL, "ESCALATOR_APP_TOKEN": f" {token} "}).app_token == token
    with pytest.raises(ConfigError, match="must differ from ESCALATOR_ADMIN_TOKEN"):
        load_settings({**FULL, "ESCALATOR_APP_TOKEN": token, "ESCALATOR_ADMIN_TOKEN": token})


def test_dotenv_file_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "environ", {})  # load_dotenv writes here; keep it out of other tests
    env_file = tmp_path / ".env"
    env_file.write_text("ZENDESK_WEBHOOK_SECRET=from-dotenv\nESCALATOR_DRY_RUN=true\n")
    settings = load_settings(dotenv_path=str(env_file))
    assert settings.webhook_secrets == ("from-dotenv",) and settings.dry_run


def test_retry_budget_replaces_max_attempts(caplog):
    assert load_settings(FULL).retry_budget_hours == 24.0
    with caplog.at_level(logging.WARNING):
        settings = load_settings({**FULL, "ESCALATOR_MAX_ATTEMPTS": "8", "ESCALATOR_RETRY_BUDGET_HOURS": "2.5"})
    assert settings.retry_budget_hours == 2.5
    assert "ESCALATOR_MAX_ATTEMPTS is no longer used" in caplog.text


def test_sqlite_folder_must_exist_but_the_file_need_not(tmp_path):
    assert load_settings({**FULL, "DATABASE_URL": f"sqlite:///{tmp_path}/new.db"}).database_url.endswith("new.db")
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings({**FULL, "DATABASE_URL": f"sqlite:///{tmp_path}/missing/new.db"})


def test_log_format_is_json_unless_told_and_only_json_or_text():
    assert load_settings(FULL).log_format == "json"
    assert load_settings({**FULL, "LOG_FORMAT": "Text"}).log_format == "text"
    with pytest.raises(ConfigError) as caught:
        load_settings({**FULL, "LOG_FORMAT": "xml"})
    assert caught.value.key == "LOG_FORMAT"


@pytest.mark.parametrize(
    "key, value, problem",
    [
        ("ESCALATOR_LEASE_SECONDS", "nan", "is not a number"),  # every comparison with nan is false: it passed
        ("ESCALATOR_SWEEP_RATE", "inf", "is not a number"),
        ("ESCALATOR_API_TIMEOUT", "1e3", "is not a number"),
        ("ESCALATOR_RETRY_BASE_SECONDS", "-1", "is not a number"),
        ("ESCALATOR_SWEEP_HOURS", "1_000", "is not a number"),
        ("PORT", "٨٠٠٠", "is not a number"),  # int() reads Arabic-Indic digits as 8000
        ("PORT", "8000.5", "is not a number"),
        ("PORT", "99999", "out of range: 1 to 65535"),
        ("PORT", "0", "out of range"),
        ("ESCALATOR_LEASE_SECONDS", "86400000", "out of range: 5 to 3600 (seconds)"),
        ("ESCALATOR_RETRY_BUDGET_HOURS", "100000", "out of range"),
        ("ESCALATOR_SWEEP_RATE", "100000", "out of range"),
    ],
)
def test_a_number_is_ascii_digits_within_its_range(key, value, problem):
    with pytest.raises(ConfigError) as caught:
        load_settings({**FULL, key: value})
    assert caught.value.key == key and problem in caught.value.problem


def test_numbers_within_their_ranges_are_read():
    settings = load_settings({**FULL, "PORT": "65535", "ESCALATOR_LEASE_SECONDS": "90", "ESCALATOR_SWEEP_RATE": "0.5"})
    assert (settings.port, settings.lease_seconds, settings.sweep_rate) == (65535, 90.0, 0.5)


@pytest.mark.parametrize(
    "value",
    [
        "globex",
        "Globex",
        "globex.zendesk.com",
        "https://globex.zendesk.com",
        "https://globex.zendesk.com/",
        "GLOBEX.ZENDESK.COM",
    ],
)
def test_the_subdomain_is_the_name_before_zendesk_com(value):
    settings = load_settings({**FULL, "ZENDESK_SUBDOMAIN": value})
    assert (settings.subdomain, settings.zendesk_base_url) == ("globex", "https://globex.zendesk.com")


@pytest.mark.parametrize(
    "value",
    [
        "support.globex.com",
        "globex.zendesk.com/agent",
        "https://globex",
        "glo bex",
        "globex_co",
        "-globex",
        "https://globex.zendesk.com.evil.example",
    ],
)
def test_a_subdomain_that_is_no_account_name_says_what_to_write(value):
    with pytest.raises(ConfigError) as caught:
        load_settings({**FULL, "ZENDESK_SUBDOMAIN": value})
    assert caught.value.key == "ZENDESK_SUBDOMAIN" and "the name before .zendesk.com" in caught.value.problem


def test_the_subdomain_is_not_required_when_the_api_url_is_set():
    """The API address names the account: reads and Zenpy's writes go there."""
    settings = load_settings(
        {
            "ZENDESK_EMAIL": "bot@acme.example",
            "ZENDESK_API_TOKEN": "t0ken",
            "ZENDESK_WEBHOOK_SECRET": "s",
            "ZENDESK_API_URL": "https://proxy.acme.example/zd",
        }
    )
    assert settings.has_credentials and not settings.dry_run
    client = ZendeskWriter(settings)
    with responses.RequestsMock() as zendesk:
        zendesk.get("https://proxy.acme.example/zd/api/v2/tickets/35436.json", json={"ticket": {"id": 35436}})
        zendesk.put("https://proxy.acme.example/zd/api/v2/tickets/35436.json", json={"ticket": {"id": 35436}})
        assert client.ticket(35436)["ticket"]["id"] == 35436
        client.apply({"id": 35436, "priority": "high"})
        assert json.loads(zendesk.calls[1].request.body)["ticket"]["priority"] == "high"


NUMBERS = {
    "PORT": "port",
    "ESCALATOR_RETRY_BUDGET_HOURS": "retry_budget_hours",
    "ESCALATOR_LEASE_SECONDS": "lease_seconds",
    "ESCALATOR_API_TIMEOUT": "api_timeout",
    "ESCALATOR_RETRY_BASE_SECONDS": "retry_base_seconds",
    "ESCALATOR_SWEEP_HOURS": "sweep_hours",
    "ESCALATOR_SWEEP_RATE": "sweep_rate",
}


@fuzz(
    300,
    key=st.sampled_from(sorted(NUMBERS)),
    value=st.one_of(
        st.text(min_size=1, max_size=12),
        st.floats().map(str),
        st.integers(-(10**6), 10**7).map(str),
        st.decimals(allow_nan=True).map(str),
        st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "1e309", "0x10"]),
    ),
)
def test_a_number_setting_is_refused_naming_it_or_read_finite_and_within_bounds(key, value):
    try:
        settings = load_settings({**FULL, key: value})
    except ConfigError as error:
        assert error.key == key and error.problem
        return
    number = getattr(settings, NUMBERS[key])
    assert math.isfinite(number) and number > 0 and (key != "PORT" or (type(number) is int and number <= 65535))


def test_escalator_run_listens_on_host_else_everywhere_but_only_here_while_unsigned():
    assert load_settings(FULL).listen_host == "0.0.0.0"
    assert load_settings({"ESCALATOR_ALLOW_UNSIGNED": "1"}).listen_host == "127.0.0.1"
    assert load_settings({"ESCALATOR_ALLOW_UNSIGNED": "1", "HOST": "0.0.0.0"}).listen_host == "0.0.0.0"
    assert load_settings({**FULL, "HOST": "10.0.0.5"}).listen_host == "10.0.0.5"
    with pytest.raises(ConfigError) as caught:
        load_settings({**FULL, "HOST": "0.0.0.0:8000 --reload"})
    assert caught.value.key == "HOST"


def test_an_api_token_without_its_email_is_named_not_a_silent_dry_run():
    with pytest.raises(ConfigError) as refused:
        load_settings({key: value for key, value in FULL.items() if key != "ZENDESK_EMAIL"})
    assert str(refused.value) == (
        "ZENDESK_EMAIL: not set: ZENDESK_API_TOKEN is used with the email address of its "
        "user (the integration user, e.g. bot@acme.example); without it nothing would be "
        "sent to Zendesk"
    )
