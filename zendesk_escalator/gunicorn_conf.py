"""Gunicorn hooks of `escalator run` and the Procfile's web command
(`--config python:zendesk_escalator.gunicorn_conf`): gunicorn reads them by these names."""

from .observability.gunicorn_hooks import Logger, child_exit, on_starting

__all__ = ["Logger", "child_exit", "logger_class", "on_starting"]

logger_class = Logger
