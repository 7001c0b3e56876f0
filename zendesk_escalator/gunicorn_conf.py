"""Gunicorn hooks of the Procfile's web command (`--config python:zendesk_escalator.gunicorn_conf`) and `escalator run`."""

from .ops import multiproc


def on_starting(server) -> None:
    """In the master, before any web process: prepare the metrics directory and hold it in use."""
    server.escalator_metrics_dir = multiproc.prepare()  # kept on the arbiter: in use while the master lives


def child_exit(_server, worker) -> None:
    """A web process ended: forget its live gauges (its counts stay in the totals)."""
    multiproc.process_ended(worker.pid)

