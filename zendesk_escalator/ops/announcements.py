"""What a starting process says of itself: where `escalator run` listens, and when the service is not doing the real
thing, or not all of it."""

import logging

from ..core.policy import Policy
from ..settings import Settings

log = logging.getLogger(__name__)


def announce_address(settings: Settings, host: str) -> None:
    """Say where `escalator run` listens, and who can reach it from there."""
    where = f"http://{host}:{settings.port}"
    if host in ("127.0.0.1", "localhost", "::1"):
        log.info("listening on %s: this machine only (set HOST=0.0.0.0 to listen on every interface)", where)
    elif not settings.webhook_secrets:
        log.warning(
            "listening on %s while UNSIGNED WEBHOOKS ARE ACCEPTED: anyone who reaches it can "
            "post one (HOST=127.0.0.1 keeps it to this machine)",
            where,
        )
    else:
        log.info("listening on %s", where)


def announce_modes(settings: Settings, policy: Policy) -> None:
    """Say loudly when the service is not doing the real thing, or not all of it."""
    if not settings.webhook_secrets:
        log.warning(
            "!!! ESCALATOR_ALLOW_UNSIGNED is set and ZENDESK_WEBHOOK_SECRET is not: "
            "UNSIGNED WEBHOOKS ARE ACCEPTED. Never run like this in production. !!!"
        )
    if settings.dry_run:
        why = "ESCALATOR_DRY_RUN is set" if settings.has_credentials else "no Zendesk credentials"
        log.warning(
            "!!! DRY RUN (%s): tickets will NOT be updated; planned updates are recorded in the inbox and logged. !!!",
            why,
        )
    if policy.integration_user_id is None:
        log.warning(
            "escalation.integration_user_id is not set in the policy: webhooks caused by "
            "our own updates will be screened and may cost API reads instead of none"
        )
