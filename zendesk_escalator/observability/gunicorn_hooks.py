"""Gunicorn's hooks: the metrics directory held by the master, a dead web process's gauges forgotten, gunicorn's
own lines in LOG_FORMAT."""

from typing import TYPE_CHECKING

from gunicorn import glogging

from ..errors import ConfigError
from ..settings import load_settings
from . import metrics_directory
from .logs import line_formatter

if TYPE_CHECKING:  # gunicorn is untyped: these name what the hooks get
    from gunicorn.arbiter import Arbiter
    from gunicorn.config import Config
    from gunicorn.workers.base import Worker


def on_starting(server: "Arbiter") -> None:
    """In the master, before any web process: prepare the metrics directory and hold it in use."""
    server.escalator_metrics_dir = metrics_directory.prepare()  # kept on the arbiter: in use while the master lives


def child_exit(_server: "Arbiter", worker: "Worker") -> None:
    """A web process ended: forget its live gauges (its counts stay in the totals)."""
    metrics_directory.process_ended(worker.pid)


class Logger(glogging.Logger):
    """Gunicorn's own lines (start, workers booting, signals) in LOG_FORMAT too: one format for a log pipeline."""

    def setup(self, cfg: "Config") -> None:
        """Set gunicorn's handlers up, then give them our formatter."""
        super().setup(cfg)
        try:
            formatter = line_formatter(load_settings(web=False))
        except ConfigError:
            return  # the app names the problem when it loads; until then gunicorn's own format
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter)
