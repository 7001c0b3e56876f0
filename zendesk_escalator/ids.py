"""Zendesk ids, read strictly wherever they come from (webhook bodies, the policy file)."""

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields

MAX_ID = 2**63 - 1  # Zendesk ids are 64-bit; larger numbers cannot be stored
ID_DIGITS = re.compile(r"[1-9][0-9]{0,18}")  # no sign, space, "_", leading zero or non-ASCII digit
SYSTEM_USER = -1  # the actor of Zendesk's own changes (an automation), per the API reference


def zendesk_id(value: object) -> int:
    """A positive 64-bit id, as a JSON integer or its ASCII digits; ValidationError for anything else.

    Nothing is coerced: 1.5, "+12", " 12 ", "1_000" and "١٢٣" would all have
    named some other ticket than the one Zendesk meant.
    """
    if type(value) is int:
        number = value
    elif isinstance(value, str) and ID_DIGITS.fullmatch(value):
        number = int(value)
    else:
        raise ValidationError("must be a positive integer id: a JSON integer or a string of ASCII digits")
    if not 1 <= number <= MAX_ID:
        raise ValidationError(f"must be an id from 1 to {MAX_ID}")
    return number


class ZendeskId(fields.Field[int]):
    """A Zendesk id (see zendesk_id)."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> int:
        return zendesk_id(value)


class RenderedId(ZendeskId):
    """An id a webhook sends as a placeholder renders it: "" (rendered empty) is unknown.

    `actor=True`: the id of who acted, which is -1 when Zendesk itself did.
    """

    def __init__(self, *, actor: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.actor = actor

    # Where ZendeskId answers an int, this one may answer None ("" is unknown): hence the override ignore.
    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> int | None:  # type: ignore[override]
        if value == "":
            return None
        if self.actor and (value == str(SYSTEM_USER) or (type(value) is int and value == SYSTEM_USER)):
            return SYSTEM_USER
        return super()._deserialize(value, attr, data, **kwargs)
