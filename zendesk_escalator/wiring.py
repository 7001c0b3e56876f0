"""Composition root: settings → clock, store, Zendesk client, processor, worker."""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from .actions import ZendeskClient
from .core.policy import Policy
from .errors import StorageUnavailable
from .ops.metrics import Metrics
from .policy_file import load_policy
from .settings import Settings, load_settings
from .store.inbox import Inbox
from .worker.escalate import Processor
from .worker.loop import POLL_INTERVAL, Worker
from .zendesk.stand_ins import DryRunWriter, HintReader

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    """The decision clock."""
    return datetime.now(timezone.utc)


@dataclass
class Services:
    """What request handlers need; stored in app.extensions, never in module globals."""

    settings: Settings
    policy: Policy
    inbox: Inbox
    metrics: Metrics
    clock: Callable[[], float]


def build_web_services(settings: Settings | None, policy: Policy | None, inbox: Inbox | None,
                       clock: Callable[[], float] = time.time) -> Services:
    """Settings, policy and inbox for the web app; raises ConfigError on bad ones."""
    settings = settings or load_settings()
    configure_logging(settings)
    policy = policy or load_policy(settings.rules_path)
    inbox = inbox or Inbox(settings.database_url)
    try:
        inbox.create_schema()
    except StorageUnavailable as error:
        # Start anyway: /readyz says 503, webhooks get 503 + Retry-After, Zendesk retries.
        log.error("inbox database unavailable at start-up: %s", error)
    announce_modes(settings, policy)
    return Services(settings, policy, inbox, Metrics(), clock)


def build_worker(settings: Settings, policy: Policy, inbox: Inbox, purges: bool = True) -> Worker:
    """Wire a worker with its own Zendesk client (one per thread/process)."""
    client = ZendeskClient(settings) if settings.has_credentials else None
    reader = client or HintReader()
    writer = DryRunWriter() if settings.dry_run else client
    processor = Processor(reader, writer, policy, utcnow, dry_run=settings.dry_run)
    return Worker(inbox, processor, max_attempts=settings.max_attempts,
                  lease_seconds=settings.lease_seconds, retry_base=settings.retry_base_seconds,
                  api_calls=(lambda: len(client.calls)) if client else (lambda: 0), purges=purges)


def start_workers(settings: Settings, policy: Policy, inbox: Inbox, stop: threading.Event,
                  count: int, poll_interval: float = POLL_INTERVAL) -> list[threading.Thread]:
    """Start `count` worker threads, each with its own Zendesk client."""
    threads = []
    for n in range(count):
        worker = build_worker(settings, policy, inbox, purges=n == 0)  # one purger per process
        thread = threading.Thread(target=worker.run, args=(stop, poll_interval),
                                  name=f"queue-worker-{n}", daemon=True)
        thread.start()
        threads.append(thread)
    return threads


def configure_logging(settings: Settings) -> None:
    """Log to stderr at LOG_LEVEL (once per process)."""
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def announce_modes(settings: Settings, policy: Policy) -> None:
    """Say loudly when the service is not doing the real thing, or not all of it."""
    if not settings.webhook_secrets:
        log.warning("!!! ESCALATOR_ALLOW_UNSIGNED is set and ZENDESK_WEBHOOK_SECRET is not: "
                    "UNSIGNED WEBHOOKS ARE ACCEPTED. Never run like this in production. !!!")
    if settings.dry_run:
        why = "ESCALATOR_DRY_RUN is set" if settings.has_credentials else "no Zendesk credentials"
        log.warning("!!! DRY RUN (%s): tickets will NOT be updated; planned updates are "
                    "recorded in the inbox and logged. !!!", why)
    if policy.integration_user_id is None:
        log.warning("escalation.integration_user_id is not set in the policy: webhooks caused by "
                    "our own updates will cost 2 API reads each instead of none")
