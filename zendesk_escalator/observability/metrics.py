"""What this process did, counted with prometheus_client, and the Prometheus text of /metrics.

Each process counts its own work: webhooks answered (web), decisions, Zendesk
calls and waits (worker). With PROMETHEUS_MULTIPROC_DIR set (the Procfile sets
it) prometheus_client keeps these counts in one file per process in that
directory, and /metrics adds up the files of every process there: all web
processes of a gunicorn, and the worker of the same machine (metrics_directory.py
prepares the directory). Figures about the whole installation come from the
database at scrape time instead (business_gauges.py).
"""

import logging
from typing import Iterator
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    start_http_server,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from ..core.kinds import NOTIFICATION
from ..core.policy import Policy
from ..core.sla.timers import BREACH, WARNING
from ..store.rows import InboxRow
from . import metrics_directory
from .decision import Decision
from .metric_labels import ESCALATING, Labels

log = logging.getLogger(__name__)
# The same series in both modes: multiprocess mode has no *_created samples, so none at all.
disable_created_metrics()
# Webhook received → handled: a poll interval when all is well, minutes to hours through retries.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600)


class Metrics:
    """This process's counters; one per process (in multiprocess mode two would overwrite each other's counts)."""

    def __init__(self, policy: Policy | None = None):
        self.labels = Labels.of(policy)
        # registry=None: a scrape builds its own registry (exposition), so tests and
        # processes never share prometheus_client's global one.
        self.webhooks = Counter("escalator_webhooks", "Webhook requests by answer.", ["result"], registry=None)
        self.decisions = Counter(
            "escalator_decisions",
            "Handled batches of inbox rows (one ticket each) by row kind, rule that fired (none) and outcome.",
            ["kind", "rule", "outcome"],
            registry=None,
        )
        self.zendesk_calls = Counter(
            "escalator_zendesk_calls",
            "Zendesk API requests by method, endpoint and answer (HTTP status, or the error when none came).",
            ["method", "endpoint", "status"],
            registry=None,
        )
        self.waits = Counter(
            "escalator_zendesk_waits",
            "Pauses of all worker threads of a process: Zendesk "
            "asked to wait (retry_after: 429 or 5xx with Retry-After), failed in a row "
            "(breaker) or refused the credentials (credentials).",
            ["reason"],
            registry=None,
        )
        self.wait_seconds = Counter(
            "escalator_zendesk_wait_seconds", "Seconds of those pauses.", ["reason"], registry=None
        )
        self.escalations = Counter(
            "escalator_escalated",
            "Escalations opened or raised, by reason and level (the policy's; any other value is counted as other).",
            ["reason", "level"],
            registry=None,
        )
        self.sla_warnings = Counter(
            "escalator_sla_warnings", "SLA warnings sent, by metric.", ["metric"], registry=None
        )
        self.sla_breaches = Counter(
            "escalator_sla_breaches",
            "SLA breach escalations sent (at the breach, and "
            "each reminder a level up while it stays breached), by metric.",
            ["metric"],
            registry=None,
        )
        self.notices = Counter(
            "escalator_notices",
            "Chat notices by target kind (slack_webhook, slack_bot, "
            "teams_workflow) and result: sent, failed (retried later) or refused (a permanent "
            "answer: the row is kept dead).",
            ["kind", "result"],
            registry=None,
        )
        self.latency = Histogram(
            "escalator_processing_latency_seconds",
            "Webhook received (stored) to handled by a worker, per webhook.",
            buckets=LATENCY_BUCKETS,
            registry=None,
        )

    def bind(self, policy: Policy) -> "Metrics":
        """Bound the escalation labels by this policy's reasons, levels and SLA metrics."""
        self.labels = Labels.of(policy)
        return self

    def webhook(self, result: str) -> None:
        """Count one webhook answer (accepted, duplicate, ignored, bad_signature …)."""
        self.webhooks.labels(result).inc()

    def handled(self, rows: list[InboxRow], outcome: Decision, now: float) -> None:
        """Count one decision; time each webhook of the batch from its arrival to `now`."""
        kind = rows[0].kind
        self.decisions.labels(kind, outcome.rule or "none", outcome.status).inc()
        self._escalation(outcome)
        if kind == NOTIFICATION:  # webhooks: the only kind whose age is a webhook's latency
            for row in rows:
                self.latency.observe(max(0.0, now - row.created_at))

    def _escalation(self, outcome: Decision) -> None:
        """Count an escalation opened or raised by reason and level; an SLA warning or breach sent by metric.

        Taken from the outcome, not from the update's tags: an update at the level the
        episode had (an SLA warning on a ticket escalated that high) carries them too."""
        if outcome.status not in ESCALATING:  # a dry run's plan, or no escalation update at all
            return
        if outcome.escalation is not None:
            reason, level = outcome.escalation
            self.escalations.labels(self.labels.reason(reason), self.labels.level(level)).inc()
        by_rule: dict[str | None, Counter] = {WARNING: self.sla_warnings, BREACH: self.sla_breaches}
        sla = by_rule.get(outcome.rule)
        if sla is not None and outcome.metric:
            sla.labels(self.labels.metric(outcome.metric)).inc()

    def zendesk_call(self, method: str, endpoint: str, status: int | str) -> None:
        """Count one Zendesk API request (the session calls this for each)."""
        self.zendesk_calls.labels(method, endpoint, str(status)).inc()

    def notice(self, kind: str, result: str) -> None:
        """Count one chat notice attempt."""
        self.notices.labels(kind, result).inc()

    def paused(self, seconds: float, told: float | None, reason: str | None = None) -> None:
        """Count a pause of the worker threads (none when `seconds` is 0)."""
        if seconds > 0:
            reason = reason or ("breaker" if told is None else "retry_after")
            self.waits.labels(reason).inc()
            self.wait_seconds.labels(reason).inc(seconds)

    def collect(self) -> Iterator[Metric]:
        """Yield this process's metrics (the Collector protocol of prometheus_client)."""
        for metric in (
            self.webhooks,
            self.decisions,
            self.escalations,
            self.sla_warnings,
            self.sla_breaches,
            self.zendesk_calls,
            self.waits,
            self.wait_seconds,
            self.notices,
            self.latency,
        ):
            yield from metric.collect()


def exposition(metrics: Metrics, *collectors: Collector) -> bytes:
    """The /metrics text: the counts of every process sharing the directory (else this one's), then `collectors`."""
    registry = CollectorRegistry(auto_describe=False)
    if metrics_directory.directory():
        MultiProcessCollector(registry)  # this process's files are among them
    else:
        registry.register(metrics)
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)


def serve(metrics: Metrics, port: int, host: str = "0.0.0.0") -> WSGIServer:
    """Serve this process's own counts on host:port, in a daemon thread; return the server (to shut down).

    For a worker on a machine without a web process: Prometheus pulls, so such
    a worker is one more scrape target. Chosen over a Pushgateway, which is made
    for batch jobs and keeps a dead worker's last values forever, and over
    counting in the database, which would cost a write per Zendesk call on the
    database the webhooks need. It serves no database figures: those come from
    /metrics of the web, once, so that a sum over targets counts nothing twice.
    """
    registry = CollectorRegistry(auto_describe=False)
    registry.register(metrics)
    server, _thread = start_http_server(port, host, registry=registry)
    log.info("this process's metrics at http://%s:%d/metrics", host, port)
    return server
