"""`escalator worker`: the queue workers alone in a process (Procfile `worker:`), until SIGTERM or SIGINT."""

import signal
import threading

from ..observability import metrics_directory
from ..observability.logs import configure_logging
from ..observability.metrics import Metrics, serve
from ..schemas.policy_file import load_policy
from ..settings import load_settings
from ..store.handle import Database
from ..store.inbox import Inbox
from ..store.startup import migrate_or_wait
from ..worker.feed_access import report_feed_access
from ..worker.pool import PoolFactory
from .announcements import announce_modes


def run_worker(
    threads: int, poll_interval: float | None, metrics_port: int | None, metrics_host: str, build_pool: PoolFactory
) -> int:
    """Run `threads` queue workers (and their own /metrics on `metrics_port`, when given) until told to stop."""
    settings = load_settings(web=False)
    configure_logging(settings)
    policy = load_policy(settings.rules_path)
    announce_modes(settings, policy)
    report_feed_access(settings, policy)
    inbox = Inbox(Database(settings.database_url))
    migrate_or_wait(inbox.database)
    in_use = metrics_directory.prepare()  # before the first metric is created
    metrics = Metrics()
    pool = build_pool(settings, policy, inbox, threads, metrics=metrics).start(poll_interval)
    server = serve(metrics, metrics_port, metrics_host) if metrics_port else None
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    stopping.wait()
    pool.stop()
    if server:
        server.shutdown()
    if in_use:
        in_use.close()
    return 0
