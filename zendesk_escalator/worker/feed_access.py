"""Whether SLA tracking has the change feed (an admin's incremental export) or only the sweep: said once at start."""

import logging

from ..core.policy import Policy
from ..errors import EscalatorError
from ..settings import Settings
from ..zendesk.client import build_admin

log = logging.getLogger(__name__)


def report_feed_access(settings: Settings, policy: Policy) -> None:
    """Say at start whether SLA tracking has the change feed (an admin's) or only the sweep."""
    if not (policy.sla.enabled and settings.has_credentials):
        return
    try:
        role = build_admin(settings).me().get("role")
    except EscalatorError as error:
        log.warning(
            "could not tell whether the integration user is an admin (%s): the change feed will say so when it runs",
            error,
        )
        return
    if role == "admin":
        log.info(
            "SLA tracking: the integration user is an admin, so the change feed (incremental "
            "export) keeps timers within a minute or two of each change"
        )
    else:
        log.warning(
            "SLA tracking: the integration user is not an admin (role %s): the incremental "
            "export is refused, so only the sweep keeps timers, every %g h; make it an admin "
            "for minute precision",
            role,
            settings.sweep_hours,
        )
