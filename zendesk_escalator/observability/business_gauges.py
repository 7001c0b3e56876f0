"""Business figures, read from the database when /metrics is scraped: the same whichever process serves them.

A process only knows what it did itself; the inbox, its SLA and lifecycle
timers and the escalation episodes are shared by every process on every
machine, so figures about them are read where they live, at scrape time.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterator, Mapping

from prometheus_client.core import GaugeMetricFamily

from ..errors import StorageUnavailable
from ..store.credential_state import STATES, CredentialStates
from ..store.escalations import Escalations
from ..store.inbox import Inbox
from ..store.overview import Overview

UP = "escalator_inbox_up"  # the name dashboards know; it says whether the database answered

# By label value (or pair of label values); a number when unlabelled.
Values = Mapping[str, float] | Mapping[tuple[str, str], float] | float | None


@dataclass(frozen=True)
class BusinessGauge:
    """One gauge: its name, help, label names, and how to read its values at `now` (epoch seconds)."""

    name: str
    documentation: str
    labels: tuple[str, ...]
    read: Callable[[float], Values]

    def family(self, now: float) -> GaugeMetricFamily:
        """Read the values and return them as a gauge family."""
        values = self.read(now)
        if not self.labels:
            assert not isinstance(values, Mapping)  # an unlabelled gauge reads a number
            return GaugeMetricFamily(self.name, self.documentation, value=values or 0)
        family = GaugeMetricFamily(self.name, self.documentation, labels=self.labels)
        assert not isinstance(values, (int, float))  # a labelled gauge reads values by label
        for key, value in sorted((values or {}).items()):
            family.add_metric(key if isinstance(key, tuple) else (key,), value)
        return family


class BusinessGauges:
    """The registry of business gauges; a prometheus_client collector."""

    def __init__(self, clock: Callable[[], datetime]):
        self.clock = clock
        self._gauges: dict[str, BusinessGauge] = {}

    def register(
        self, name: str, documentation: str, labels: list[str] | tuple[str, ...], read: Callable[[float], Values]
    ) -> None:
        """Read this gauge at each scrape; `read(now)` returns {label values: value}, or a number."""
        if name in self._gauges or name == UP:
            raise ValueError(f"figure {name} is registered already")
        self._gauges[name] = BusinessGauge(name, documentation, tuple(labels), read)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Read every figure; all or none, with escalator_inbox_up saying which."""
        now = self.clock().timestamp()
        try:
            # One failure means the database is away: stop, do not wait out a timeout per figure.
            families, up = [gauge.family(now) for gauge in self._gauges.values()], 1
        except StorageUnavailable:
            families, up = [], 0
        yield from families
        yield GaugeMetricFamily(UP, "1 when the database answered this scrape, else 0 (and no figures).", value=up)


def inbox_gauges(inbox: Inbox, clock: Callable[[], datetime]) -> BusinessGauges:
    """The registry: inbox depth by status and by kind (SLA and lifecycle timers set), the lag of the oldest
    due row, escalations by lifecycle state (and the open ones by level), and the Zendesk credentials' state."""
    gauges = BusinessGauges(clock)
    overview, episodes = Overview(inbox.database), Escalations(inbox.database)
    gauges.register(
        "escalator_inbox_rows", "Inbox rows by status (all processes).", ["status"], lambda now: inbox.counts()
    )
    gauges.register(
        "escalator_inbox_oldest_due_seconds",
        "How long the longest-waiting due row has been due (0 when none is): how far the workers are behind.",
        [],
        lambda now: _age(inbox.oldest_due(now), now),
    )
    gauges.register(
        "escalator_inbox_pending",
        "Pending inbox rows by kind: notification (webhooks waiting), "
        "timer (SLA warnings and breaches set), lifecycle (reminders, monitoring ends), periodic, "
        "merge.",
        ["kind"],
        lambda now: overview.pending_by_kind(),
    )
    gauges.register(
        "escalator_escalations",
        "Escalation episodes by state (requested, active, monitoring, closed).",
        ["state"],
        lambda now: episodes.by_state(),
    )
    gauges.register(
        "escalator_open_escalations",
        "Open escalation episodes by state (requested, active, monitoring) and level.",
        ["state", "level"],
        lambda now: overview.open_by_state_and_level(),
    )
    credentials = CredentialStates(inbox.database)
    gauges.register(
        "escalator_zendesk_credentials",
        "1 for the state of the Zendesk credentials as the workers "
        "last saw it (ok, rejected: 401, not_agent: the user lost its role, unknown: no call yet), "
        "0 for the others.",
        ["state"],
        lambda now: _one_of(STATES, credentials.read().state),
    )
    return gauges


def _age(since: float | None, now: float) -> float:
    return 0.0 if since is None else max(0.0, now - since)


def _one_of(states: tuple[str, ...], current: str) -> dict[str, float]:
    return {state: float(state == current) for state in states}
