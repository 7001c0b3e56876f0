"""The hotline's Talk lines, named by id in [phone], as the numbers calls reach: read once when workers start."""

import logging
from dataclasses import replace
from typing import Callable

from ..core.call import e164
from ..core.policy import Policy
from ..errors import EscalatorError
from ..settings import Settings
from ..zendesk.client import build_admin
from .ports import JsonObject

log = logging.getLogger(__name__)


def with_line_numbers(policy: Policy, lines: Callable[[], list[JsonObject]]) -> Policy:
    """The policy with each [phone] line's number among the hotline's numbers (one read of the Talk lines)."""
    hotline = policy.phone
    if not hotline.line_ids:
        return policy
    try:
        found = [line for line in lines() if line.get("id") in hotline.line_ids]
    except EscalatorError as error:  # the numbers named still count; a restart reads the lines again
        log.error(
            "[phone] line_ids: Zendesk Talk's lines could not be read (%s): calls to them are NOT escalated "
            "until the worker restarts (phone.numbers still are)",
            error,
        )
        return policy
    missing = sorted(hotline.line_ids - {line.get("id") for line in found})
    if missing:
        log.warning("[phone] line_ids %s are not Talk lines of this account: `escalator check` says more", missing)
    numbers = {number for line in found if (number := e164(line.get("number")))}
    log.info("the escalation hotline: %s", ", ".join(sorted(hotline.numbers | numbers)) or "no number")
    return replace(policy, phone=replace(hotline, numbers=hotline.numbers | numbers))


def with_account_lines(policy: Policy, settings: Settings) -> Policy:
    """The policy with the numbers of its [phone] lines, read through the admin API of these credentials."""
    return with_line_numbers(policy, lambda: build_admin(settings).talk_numbers())
