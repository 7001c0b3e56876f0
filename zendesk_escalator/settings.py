"""Settings from the environment (and a .env file), checked once at start-up."""

import logging
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from dotenv import load_dotenv

from .errors import ConfigError
from .settings_values import number, subdomain

log = logging.getLogger(__name__)
TRUE = {"1", "true", "yes", "on"}
# The admin token guards customer data on /dashboard: a short one could be guessed.
SHORTEST_ADMIN_TOKEN = 16
# The sidebar app's token is held by Zendesk (the app's secure setting) and opens every ticket's escalation to
# whoever holds it: long, random, and no header-breaking characters.
SHORTEST_APP_TOKEN = 32
APP_TOKEN = re.compile(r"[!-~]+")  # printable ASCII, no spaces: it travels in an Authorization header
LOOPBACK, EVERY_INTERFACE = "127.0.0.1", "0.0.0.0"


@dataclass(frozen=True)
class Settings:
    """Every knob the service reads from its environment."""

    subdomain: str | None = None
    email: str | None = None
    api_token: str | None = None
    oauth_token: str | None = None
    webhook_secrets: tuple[str, ...] = ()
    allow_unsigned: bool = False
    api_url: str | None = None
    database_url: str = "sqlite:///escalator.db"
    rules_path: str = "escalation.toml"
    dry_run: bool = False
    admin_token: str | None = None  # opens /dashboard (and scripts' bearer requests)
    oauth_client_id: str = "zendesk_escalator"  # the OAuth client `setup` creates: "Sign in with Zendesk"
    oauth_client_secret: str | None = None  # its secret; without it there is no Zendesk sign-in
    app_token: str | None = None  # opens /app/tickets/<id> to the sidebar app; without it that endpoint is off
    host: str | None = None  # where `escalator run` listens; see listen_host
    port: int = 8000
    log_level: str = "INFO"
    log_format: str = "json"  # one JSON object a line, for log pipelines; `make run` sets text
    retry_budget_hours: float = 24.0  # a failing row is retried this long, then dead
    lease_seconds: float = 60.0
    api_timeout: float = 10.0
    retry_base_seconds: float = 2.0  # first retry after 1-2 s, doubling
    sweep_hours: float = 24.0  # how often every unsolved ticket's SLA timers are checked again
    sweep_rate: float = 5.0  # API requests a minute the sweep may spend while it runs
    poll_seconds: float = 5.0  # an idle worker claims at least this often: the safety net under its wake-ups
    max_body_bytes: int = 256 * 1024

    @property
    def has_credentials(self) -> bool:
        """True when we can call the Zendesk API at all."""
        return bool((self.subdomain or self.api_url) and (self.oauth_token or (self.email and self.api_token)))

    @property
    def zendesk_sign_in(self) -> bool:
        """True when people can sign in to the dashboard with their Zendesk account."""
        return bool(self.oauth_client_secret and (self.subdomain or self.api_url))

    @property
    def listen_host(self) -> str:
        """HOST, else every interface; while unsigned webhooks are accepted, this machine only."""
        return self.host or (EVERY_INTERFACE if self.webhook_secrets else LOOPBACK)

    @property
    def client_subdomain(self) -> str:
        """The subdomain Zenpy builds URLs on; with ZENDESK_API_URL alone a stand-in, since the session replaces it."""
        return self.subdomain or "api"

    @property
    def zendesk_base_url(self) -> str:
        """The API base: ZENDESK_API_URL when set, else https://{subdomain}.zendesk.com."""
        return (self.api_url or f"https://{self.subdomain}.zendesk.com").rstrip("/")


def read_dotenv(path: str | None = ".env") -> None:
    """Put a .env file's variables in the environment; the real environment wins."""
    if path and Path(path).is_file():
        load_dotenv(path, override=False)


def load_settings(
    environ: dict[str, str] | None = None, dotenv_path: str | None = ".env", web: bool = True
) -> Settings:
    """Read settings; ConfigError names the variable that is wrong.

    Only the web side needs the webhook secret, so `web=False` skips that check.
    """
    if environ is None:
        read_dotenv(dotenv_path)
        environ = dict(os.environ)
    env = {key: value.strip() for key, value in environ.items() if value.strip()}
    # Unset variables fall back to the defaults written once, on Settings.
    settings = Settings(
        subdomain=subdomain(env.get("ZENDESK_SUBDOMAIN")),
        email=env.get("ZENDESK_EMAIL"),
        api_token=env.get("ZENDESK_API_TOKEN"),
        oauth_token=env.get("ZENDESK_OAUTH_TOKEN"),
        webhook_secrets=tuple(s.strip() for s in env.get("ZENDESK_WEBHOOK_SECRET", "").split(",") if s.strip()),
        allow_unsigned=env.get("ESCALATOR_ALLOW_UNSIGNED", "").lower() in TRUE,
        api_url=env.get("ZENDESK_API_URL"),
        database_url=env.get("DATABASE_URL", Settings.database_url),
        rules_path=env.get("ESCALATOR_RULES", Settings.rules_path),
        dry_run=env.get("ESCALATOR_DRY_RUN", "").lower() in TRUE,
        admin_token=env.get("ESCALATOR_ADMIN_TOKEN"),
        oauth_client_id=env.get("ZENDESK_OAUTH_CLIENT_ID", Settings.oauth_client_id),
        oauth_client_secret=env.get("ZENDESK_OAUTH_CLIENT_SECRET"),
        app_token=env.get("ESCALATOR_APP_TOKEN"),
        host=env.get("HOST"),
        port=int(number(env, "PORT", Settings.port)),
        log_level=env.get("LOG_LEVEL", Settings.log_level).upper(),
        log_format=env.get("LOG_FORMAT", Settings.log_format).lower(),
        retry_budget_hours=number(env, "ESCALATOR_RETRY_BUDGET_HOURS", Settings.retry_budget_hours),
        lease_seconds=number(env, "ESCALATOR_LEASE_SECONDS", Settings.lease_seconds),
        api_timeout=number(env, "ESCALATOR_API_TIMEOUT", Settings.api_timeout),
        retry_base_seconds=number(env, "ESCALATOR_RETRY_BASE_SECONDS", Settings.retry_base_seconds),
        sweep_hours=number(env, "ESCALATOR_SWEEP_HOURS", Settings.sweep_hours),
        sweep_rate=number(env, "ESCALATOR_SWEEP_RATE", Settings.sweep_rate),
        poll_seconds=number(env, "ESCALATOR_POLL_SECONDS", Settings.poll_seconds),
    )
    _check(settings, web)
    if "ESCALATOR_MAX_ATTEMPTS" in env:
        log.warning(
            "ESCALATOR_MAX_ATTEMPTS is no longer used: failed rows are retried for "
            "ESCALATOR_RETRY_BUDGET_HOURS (default 24), then marked dead"
        )
    if not settings.has_credentials:
        # Without credentials nothing can be sent: dry run is the only honest mode.
        settings = replace(settings, dry_run=True)
    return settings


def _check(settings: Settings, web: bool) -> None:
    if web and not settings.webhook_secrets and not settings.allow_unsigned:
        raise ConfigError(
            "ZENDESK_WEBHOOK_SECRET",
            "not set: refusing to accept unsigned webhooks (set ESCALATOR_ALLOW_UNSIGNED=1 for local development only)",
        )
    if settings.admin_token is not None and len(settings.admin_token) < SHORTEST_ADMIN_TOKEN:
        raise ConfigError(
            "ESCALATOR_ADMIN_TOKEN",
            f"too short: use at least {SHORTEST_ADMIN_TOKEN} random "
            "characters, e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'",
        )
    if settings.oauth_client_secret and not (settings.subdomain or settings.api_url):
        raise ConfigError(
            "ZENDESK_OAUTH_CLIENT_SECRET", "needs ZENDESK_SUBDOMAIN: people sign in on https://<subdomain>.zendesk.com"
        )
    _check_app_token(settings)
    if settings.api_url and not settings.api_url.startswith(("http://", "https://")):
        raise ConfigError("ZENDESK_API_URL", "must start with http:// or https://")
    _check_token_pair(settings)
    if settings.email and settings.api_token and not (settings.subdomain or settings.api_url):
        raise ConfigError(
            "ZENDESK_SUBDOMAIN",
            "required with ZENDESK_EMAIL and ZENDESK_API_TOKEN "
            "(the name before .zendesk.com, e.g. acme for acme.zendesk.com)",
        )
    if settings.host is not None and not re.fullmatch(r"[A-Za-z0-9.:\[\]_-]+", settings.host):
        raise ConfigError(
            "HOST",
            f"{settings.host[:80]!r} is not an address: 127.0.0.1 (this machine), "
            f"0.0.0.0 (every interface) or a host name",
        )
    if settings.log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError("LOG_LEVEL", f"unknown level {settings.log_level}")
    if settings.log_format not in {"json", "text"}:
        raise ConfigError("LOG_FORMAT", f"must be json or text, not {settings.log_format}")
    _check_sqlite_folder(settings.database_url)


def _check_token_pair(settings: Settings) -> None:
    """An API token goes with its user's email: without it the token would silently mean a dry run.
    (An email alone is fine: `escalator app package` takes it as the app's author.)"""
    if settings.api_token and not settings.email and not settings.oauth_token:
        raise ConfigError(
            "ZENDESK_EMAIL",
            "not set: ZENDESK_API_TOKEN is used with the email address of its user "
            "(the integration user, e.g. bot@acme.example); without it nothing would "
            "be sent to Zendesk",
        )


def _check_app_token(settings: Settings) -> None:
    token = settings.app_token
    if token is None:
        return
    if len(token) < SHORTEST_APP_TOKEN or not APP_TOKEN.fullmatch(token):
        raise ConfigError(
            "ESCALATOR_APP_TOKEN",
            f"use at least {SHORTEST_APP_TOKEN} random printable characters "
            "without spaces, e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'",
        )
    if token == settings.admin_token:
        raise ConfigError(
            "ESCALATOR_APP_TOKEN",
            "must differ from ESCALATOR_ADMIN_TOKEN: Zendesk holds the app's token, and it must not open the dashboard",
        )


def _check_sqlite_folder(database_url: str) -> None:
    """A SQLite file can be created, but not its folder: say so before anything starts."""
    if not database_url.startswith("sqlite:///") or database_url in ("sqlite://", "sqlite:///:memory:"):
        return
    folder = Path(database_url.removeprefix("sqlite:///").split("?", 1)[0]).parent
    if not folder.is_dir():
        raise ConfigError(
            "DATABASE_URL", f"the folder {folder} does not exist (create it, or point DATABASE_URL at another file)"
        )
