"""One setting read from its environment variable: a number within its range, the Zendesk account's name."""

import re

from .errors import ConfigError

DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")  # ASCII digits: no sign, exponent, "_", nan or inf
SUBDOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
ZENDESK_HOST = re.compile(r"(?:https?://)?([^./]+)\.zendesk\.com/?")  # "acme.zendesk.com", "https://acme.zendesk.com/"
# Each number's unit and the range it must fall in; outside it is a typo, not a choice.
RANGES = {
    "PORT": ("a TCP port", 1, 65535),
    "ESCALATOR_RETRY_BUDGET_HOURS": ("hours", 0.001, 720),
    "ESCALATOR_LEASE_SECONDS": ("seconds", 5, 3600),
    "ESCALATOR_API_TIMEOUT": ("seconds", 0.1, 600),
    "ESCALATOR_RETRY_BASE_SECONDS": ("seconds", 0.01, 3600),
    "ESCALATOR_SWEEP_HOURS": ("hours", 0.01, 720),
    "ESCALATOR_SWEEP_RATE": ("requests a minute", 0.1, 2500),
    "ESCALATOR_POLL_SECONDS": ("seconds", 0.05, 3600),
}


def number(env: dict[str, str], key: str, default: float) -> float:
    """A number within its RANGES entry: ASCII digits, a decimal point for fractions, nothing else."""
    if key not in env:
        return default
    unit, low, high = RANGES[key]
    text = env[key]
    if not DECIMAL.fullmatch(text) or (isinstance(default, int) and "." in text):
        raise ConfigError(key, f"{text[:40]!r} is not a number: write digits, such as {default:g}")
    value = float(text)
    if not low <= value <= high:
        raise ConfigError(key, f"{text} is out of range: {low:g} to {high:g} ({unit})")
    return value


def subdomain(value: str | None) -> str | None:
    """The account's name as in acme.zendesk.com; its address (https://acme.zendesk.com) gives the same."""
    if value is None:
        return None
    host = ZENDESK_HOST.fullmatch(value.lower())
    name = host.group(1) if host else value.lower()
    if not SUBDOMAIN.fullmatch(name):
        raise ConfigError(
            "ZENDESK_SUBDOMAIN",
            f"{value[:80]!r} is not an account name: use the name before .zendesk.com (acme for acme.zendesk.com)",
        )
    return name
