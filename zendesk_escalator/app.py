"""The Flask app factory: wires settings, policy, inbox and HTTP routes."""

import logging
import time
from dataclasses import dataclass
from typing import Callable

from flask import Flask, jsonify

from . import webhooks
from .config import Settings, load_settings
from .errors import StorageUnavailable
from .inbox import Inbox
from .metrics import Metrics
from .policy import Policy, load_policy

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What request handlers need; stored in app.extensions, never in module globals."""

    settings: Settings
    policy: Policy
    inbox: Inbox
    metrics: Metrics
    clock: Callable[[], float]


def create_app(settings: Settings | None = None, policy: Policy | None = None,
               inbox: Inbox | None = None, clock: Callable[[], float] = time.time) -> Flask:
    """Build the web app; raises ConfigError (service must not start) on bad settings or policy."""
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

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    services = Services(settings, policy, inbox, Metrics(), clock)
    app.extensions["escalator"] = services
    webhooks.register(app)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", dry_run=settings.dry_run)

    @app.get("/readyz")
    def readyz():
        try:
            inbox.ping()
        except StorageUnavailable as error:
            return jsonify(status="unavailable", error=str(error)), 503
        return jsonify(status="ready")

    @app.get("/metrics")
    def metrics():
        try:
            counts = inbox.counts()
        except StorageUnavailable:
            counts = None
        return services.metrics.render(counts), 200, {"Content-Type": "text/plain; version=0.0.4"}

    return app


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
