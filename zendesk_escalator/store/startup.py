"""The database at a process's start: brought up to date now, or on first use when it is down."""

import logging

from ..errors import StorageUnavailable
from .handle import Database

log = logging.getLogger(__name__)


def migrate_or_wait(database: Database) -> None:
    """Bring the database up to date; if it is down, start anyway and migrate on first use."""
    try:
        database.migrate()
    except StorageUnavailable as error:
        # /readyz says 503, webhooks get 503 + Retry-After, Zendesk retries.
        log.error("database unavailable at start-up: %s", error)
