"""[[notify]]: the chat targets told of hierarchical escalation, each with the steps it takes."""

import re
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from ..core.channels import EVENTS, SLACK_API, SLACK_BOT, TARGET_KINDS, NoticeFilter, NotifyTarget
from .base import DataclassSchema
from .values import LevelNumber, slug

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
# A kind's own keys (keyed by the loaded kind, None when missing); the webhook kinds take url_env.
KIND_KEYS: dict[str | None, tuple[str, ...]] = {SLACK_BOT: ("token_env", "channel")}
WEBHOOK_KEYS: tuple[str, ...] = ("url_env",)


def env_name(value: str) -> None:
    """The name of an environment variable (its value, a secret, never goes in the file)."""
    if "://" in value or value.startswith("xox"):
        raise ValidationError(
            "write the NAME of an environment variable that holds the secret (e.g. "
            "SLACK_WEBHOOK_URL), never the secret itself: the policy file is no place for it"
        )
    if not ENV_NAME.fullmatch(value):
        raise ValidationError("an environment variable's name: letters, digits and _")


class NoticeFilterSchema(DataclassSchema):
    """Which steps a target is told of; a part left out takes every one."""

    builds = NoticeFilter
    shapes = {"levels": frozenset, "reasons": frozenset, "events": frozenset}

    levels = fields.List(LevelNumber(), load_default=list)
    reasons = fields.List(fields.String(validate=slug), load_default=list)
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), load_default=list)


class NotifySchema(DataclassSchema):
    """One chat target: a Slack incoming webhook, a Slack bot posting to a channel, or a Teams Workflows webhook."""

    builds = NotifyTarget

    name = fields.String(required=True, validate=slug)
    kind = fields.String(required=True, validate=validate.OneOf(TARGET_KINDS))
    when = fields.Nested(NoticeFilterSchema, load_default=NoticeFilter)
    url_env = fields.String(load_default=None, validate=env_name)
    token_env = fields.String(load_default=None, validate=env_name)
    channel = fields.String(load_default=None, validate=validate.Length(min=1, max=100))
    api_url = fields.Url(load_default=SLACK_API, schemes={"https", "http"}, require_tld=False)

    @validates_schema
    def keys_of_its_kind(self, data: dict[str, Any], **_: Any) -> None:
        own = KIND_KEYS.get(data.get("kind"), WEBHOOK_KEYS)
        for key in own:
            if data.get(key) is None:
                raise ValidationError(f"required for kind {data['kind']}", key)
        for key in ("url_env", "token_env", "channel"):
            if key not in own and data.get(key) is not None:
                raise ValidationError(f"not a key of kind {data.get('kind')} (it takes {', '.join(own)})", key)


def names_once(targets: list[NotifyTarget]) -> None:
    """Each target has its own name: a notice's key (and the row that sends it) names its target."""
    for n, target in enumerate(targets, 1):
        first = next(m for m, other in enumerate(targets, 1) if other.name == target.name)
        if first != n:
            raise ValidationError(
                f"{target.name!r} is also notify[{first}].name: each target needs its own name", f"notify[{n}].name"
            )
