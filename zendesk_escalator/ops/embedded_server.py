"""`escalator run`: gunicorn serving the web app, with the worker threads in the same process."""

from typing import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication

from ..core.policy import Policy
from ..observability import gunicorn_hooks
from ..schemas.policy_file import load_policy
from ..settings import Settings, load_settings
from ..store.inbox import Inbox
from ..worker.feed_access import report_feed_access
from ..worker.pool import PoolFactory, WorkerPool
from .announcements import announce_address

AppFactory = Callable[[Settings, Policy], Flask]  # app.create_app


class EmbeddedServer(BaseApplication):
    """One gunicorn web process of 32 threads; its app, and the worker threads beside it, start after the fork."""

    def __init__(self, bind: str, load_app: Callable[[], tuple[Flask, WorkerPool]]):
        self.bind, self.load_app = bind, load_app
        self.pools: list[WorkerPool] = []
        super().__init__()

    def load_config(self) -> None:
        options = {
            "bind": self.bind,
            "workers": 1,
            "worker_class": "gthread",
            "threads": 32,
            "graceful_timeout": 30,
            "control_socket_disable": True,
            "on_starting": gunicorn_hooks.on_starting,
            "child_exit": gunicorn_hooks.child_exit,
            "logger_class": gunicorn_hooks.Logger,
            "worker_exit": lambda _server, _worker: [pool.stop() for pool in self.pools],
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        # Runs in gunicorn's worker process, after the fork.
        app, pool = self.load_app()
        self.pools.append(pool)
        return app


def run_embedded(host: str | None, threads: int, create_app: AppFactory, build_pool: PoolFactory) -> int:
    """Serve the web app with gunicorn and run `threads` queue workers in the same process."""
    settings = load_settings()
    policy = load_policy(settings.rules_path)  # fail before gunicorn starts
    host = host or settings.listen_host

    def load_app() -> tuple[Flask, WorkerPool]:
        app = create_app(settings, policy)
        announce_address(settings, host)
        report_feed_access(settings, policy)
        services = app.extensions["escalator"]  # its metrics: one set per process
        inbox: Inbox = services.inbox
        return app, build_pool(settings, policy, inbox, threads, metrics=services.metrics).start()

    EmbeddedServer(f"{host}:{settings.port}", load_app).run()
    return 0
