"""The policy file: TOML validated with marshmallow into core.policy types; errors name the key."""

import tomllib
from pathlib import Path

from marshmallow import ValidationError

from ..core.policy import Policy
from ..errors import ConfigError
from .base import first_error
from .policy import PolicySchema
from .suggest import UNKNOWN, unknown_key


def parse_policy(text: str) -> Policy:
    """Parse and validate policy TOML; ConfigError names the offending key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("policy", f"not valid TOML: {error}") from None
    try:
        policy: Policy = PolicySchema().load(raw)  # its post_load builds the Policy
        return policy
    except ValidationError as error:
        key, problem = first_error(error.messages)
        if problem == UNKNOWN:
            problem = unknown_key(key, PolicySchema())
        raise ConfigError(key, problem) from None


def load_policy(path: str | Path) -> Policy:
    """Read and validate the policy file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError("ESCALATOR_RULES", f"cannot read policy file {path}: {error.strerror}") from None
    try:
        return parse_policy(text)
    except ConfigError as error:  # which file: run, worker and the Procfile's web read ESCALATOR_RULES
        raise ConfigError(error.key, f"{error.problem} (in {path})") from None
