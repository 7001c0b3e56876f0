"""The baseline: a bare Flask endpoint that reads the body and answers 202, nothing else."""

from flask import Flask, jsonify, request


def create_bare_app() -> Flask:
    """Same framework and server settings as the service, none of its work."""
    app = Flask(__name__)

    @app.post("/webhooks/zendesk")
    def receive():
        request.get_data()
        return jsonify(status="accepted"), 202

    @app.get("/readyz")
    def ready():
        return jsonify(status="ready")

    return app
