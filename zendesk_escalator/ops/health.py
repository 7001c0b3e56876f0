"""Operator endpoints: /healthz (process up), /readyz (database reachable), /metrics."""

from flask import Blueprint, current_app, jsonify

from ..errors import StorageUnavailable

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is up; say whether it only plans updates."""
    return jsonify(status="ok", dry_run=current_app.extensions["escalator"].settings.dry_run)


@bp.get("/readyz")
def readyz():
    """Ready when the database answers."""
    try:
        current_app.extensions["escalator"].inbox.ping()
    except StorageUnavailable as error:
        return jsonify(status="unavailable", error=str(error)), 503
    return jsonify(status="ready")


@bp.get("/metrics")
def metrics():
    """Prometheus text: webhook answers of this process, inbox rows of all processes."""
    services = current_app.extensions["escalator"]
    try:
        counts = services.inbox.counts()
    except StorageUnavailable:
        counts = None
    return services.metrics.render(counts), 200, {"Content-Type": "text/plain; version=0.0.4"}
