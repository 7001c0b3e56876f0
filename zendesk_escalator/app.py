"""The Flask app factory: build the services, register blueprints — nothing else."""

from flask import Flask

from . import webhooks
from .core.policy import Policy
from .ops import dashboard, dashboard_auth, dashboard_oauth, health, sidebar
from .settings import Settings
from .store.inbox import Inbox
from .wiring import Clock, build_web_services, utcnow


def create_app(
    settings: Settings | None = None, policy: Policy | None = None, inbox: Inbox | None = None, clock: Clock = utcnow
) -> Flask:
    """Build the web app; raises ConfigError (service must not start) on bad settings or policy."""
    services = build_web_services(settings, policy, inbox, clock)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = services.settings.max_body_bytes
    app.extensions["escalator"] = services
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(dashboard_auth.bp)
    app.register_blueprint(dashboard_oauth.bp)
    app.register_blueprint(sidebar.bp)
    return app
