"""Settings from the environment: defaults, refusals naming the variable, .env."""

import logging
import os

import pytest

from zendesk_escalator.settings import load_settings
from zendesk_escalator.errors import ConfigError

FULL = {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "bot@acme.example",
        "ZENDESK_API_TOKEN": "t", "ZENDESK_WEBHOOK_SECRET": "s1, s2 ,"}


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
    settings = load_settings({"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_OAUTH_TOKEN": "o",
                              "ZENDESK_WEBHOOK_SECRET": "s", "ZENDESK_API_URL": "http://127.0.0.1:8999/"})
    assert settings.has_credentials and settings.zendesk_base_url == "http://127.0.0.1:8999"


@pytest.mark.parametrize("key, value", [("PORT", "eighty"), ("ZENDESK_API_URL", "ftp://x"),
                                        ("LOG_LEVEL", "LOUD"), ("ESCALATOR_RETRY_BUDGET_HOURS", "0"),
                                        ("DATABASE_URL", "sqlite:////no/such/folder/escalator.db"),
                                        ("ESCALATOR_ADMIN_TOKEN", "short-token")])
def test_bad_values_name_the_variable(key, value):
    with pytest.raises(ConfigError) as caught:
        load_settings({**FULL, key: value})
    assert key in caught.value.key


def test_admin_token_opens_the_dashboard_only_when_set():
    assert load_settings(FULL).admin_token is None
    assert load_settings({**FULL, "ESCALATOR_ADMIN_TOKEN": " a-long-enough-token "}).admin_token == "a-long-enough-token"


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
