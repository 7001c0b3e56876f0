"""The Flask app factory: build the services, register blueprints — nothing else."""

import time
from typing import Callable

from flask import Flask

from . import webhooks
from .ops import health
from .core.policy import Policy
from .settings import Settings
from .store.inbox import Inbox
from .wiring import build_web_services


def create_app(settings: Settings | None = None, policy: Policy | None = None,
               inbox: Inbox | None = None, clock: Callable[[], float] = time.time) -> Flask:
    """Build the web app; raises ConfigError (service must not start) on bad settings or policy."""
    services = build_web_services(settings, policy, inbox, clock)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = services.settings.max_body_bytes
    app.extensions["escalator"] = services
    webhooks.register(app)
    app.register_blueprint(health.bp)
    return app
