"""Operator endpoints: /healthz (process up), /readyz (database reachable), /metrics."""

from flask import Blueprint, current_app, jsonify
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from ..errors import StorageUnavailable
from .metrics import exposition

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
    """Prometheus text: the counts of this machine's processes, business figures from the database."""
    services = current_app.extensions["escalator"]
    return exposition(services.metrics, services.figures), 200, {"Content-Type": CONTENT_TYPE_PLAIN_0_0_4}
