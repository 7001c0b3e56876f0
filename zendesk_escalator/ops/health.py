"""Operator endpoints: /healthz (process up), /readyz (database reachable, Zendesk credentials accepted), /metrics."""

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from ..errors import StorageUnavailable
from ..observability.metrics import exposition
from ..store.credential_state import CredentialStates

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The process is up (200 whatever Zendesk says: a restart fixes no token); say what it knows of Zendesk."""
    services = current_app.extensions["escalator"]
    answer = {"status": "ok", "dry_run": services.settings.dry_run}
    try:
        credentials = CredentialStates(services.database).read()
    except StorageUnavailable:
        return jsonify(answer)
    answer["zendesk_credentials"] = credentials.state
    if credentials.refused:
        answer["problem"] = credentials.reason
    return jsonify(answer)


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Ready when the database answers and the workers' last word on the Zendesk credentials was not a refusal."""
    try:
        credentials = CredentialStates(current_app.extensions["escalator"].database).read()
    except StorageUnavailable as error:
        return jsonify(status="unavailable", error=str(error)), 503
    if credentials.refused:
        return jsonify(status="unavailable", error=credentials.reason, zendesk_credentials=credentials.state), 503
    return jsonify(status="ready", zendesk_credentials=credentials.state)


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    """Prometheus text: the counts of this machine's processes, business figures from the database."""
    services = current_app.extensions["escalator"]
    return exposition(services.metrics, services.gauges), 200, {"Content-Type": CONTENT_TYPE_PLAIN_0_0_4}
