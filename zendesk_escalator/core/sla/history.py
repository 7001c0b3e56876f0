"""Zendesk's SLA clock as it stood at any moment of the past, from its metric events (pure).

The incremental ticket metric events export records, per ticket, metric and
instance, when the clock ran (activate), stopped (pause) or was met (fulfill),
the target applied (apply_sla) and the breach, which Zendesk writes in advance
and marks deleted when it no longer applies. Nothing here computes a breach:
the breach time is the one Zendesk wrote, and the stage is the last recorded one.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from ..snapshot import Metric, Target, parse_time

STAGES = {"activate": "active", "pause": "paused", "fulfill": "achieved"}
REPLY = "reply_time"  # the metric-event name of both reply metrics; instance 1 is the first reply


@dataclass(frozen=True)
class MetricHistory:
    """One instance of one metric of one ticket, as its events tell it."""

    metric: str  # the policy metric's name: first_reply_time, next_reply_time, agent_work_time, ...
    instance: int
    stages: tuple[tuple[datetime, str], ...]  # (when, active | paused | achieved), oldest first
    breach_at: datetime | None = None
    target: Target | None = None
    target_at: datetime | None = None

    @property
    def begins(self) -> datetime | None:
        """When this instance's clock was first seen."""
        moments = [at for at, _ in self.stages] + ([self.target_at] if self.target_at else [])
        return min(moments, default=None)

    def stage_at(self, at: datetime) -> str | None:
        """The stage at a moment (None before its first event)."""
        passed = [stage for when, stage in self.stages if when <= at]
        return passed[-1] if passed else None


def histories_from_export(
    events: Iterable[dict[str, Any]], since: datetime | None = None
) -> dict[int, list[MetricHistory]]:
    """Group the metric events by ticket into one history per metric instance.

    An instance whose first event in the export is not its activation was running
    before `since` (the export's start): it counts as active from then.
    """
    grouped: dict[tuple[int, str, int], list[dict[str, Any]]] = defaultdict(list)
    seen: set[object] = set()
    for raw in events:
        if not isinstance(raw, dict) or raw.get("id") in seen or not isinstance(raw.get("ticket_id"), int):
            continue
        seen.add(raw.get("id"))
        if parse_time(raw.get("time")) and raw.get("metric"):
            grouped[(raw["ticket_id"], raw["metric"], int(raw.get("instance_id") or 0))].append(raw)
    by_ticket: dict[int, list[MetricHistory]] = defaultdict(list)
    for (ticket_id, metric, instance), raws in grouped.items():
        raws.sort(key=_time)
        running = since if since is not None and raws[0].get("type") != "activate" else None
        by_ticket[ticket_id].append(_history(metric, instance, raws, running))
    return dict(by_ticket)


def clocks_at(histories: list[MetricHistory], at: datetime) -> tuple[tuple[Metric, ...], tuple[Target, ...]]:
    """The ticket's SLA metrics (as slas.policy_metrics) and targets (as apply_sla) at a moment."""
    latest: dict[str, tuple[MetricHistory, str]] = {}
    for history in sorted(histories, key=lambda h: h.instance):
        stage = history.stage_at(at)
        if history.begins is not None and history.begins <= at and stage is not None:
            latest[history.metric] = (history, stage)  # a later instance (the next reply) replaces the earlier
    metrics = tuple(Metric(h.metric, stage, h.breach_at) for h, stage in latest.values())
    targets = {
        h.target.metric: h.target
        for h in sorted(histories, key=lambda h: h.target_at or at)
        if h.target and h.target_at and h.target_at <= at
    }
    return metrics, tuple(targets.values())


def moments(histories: list[MetricHistory]) -> list[datetime]:
    """Every moment the clock changed: when the service's feed would have seen something new."""
    found = {at for h in histories for at, _ in h.stages} | {h.target_at for h in histories if h.target_at}
    return sorted(found)


def _history(metric: str, instance: int, raws: list[dict[str, Any]], running: datetime | None) -> MetricHistory:
    stages: list[tuple[datetime, str]] = [(running, "active")] if running else []
    breach: datetime | None = None
    target: Target | None = None
    target_at: datetime | None = None
    for raw in raws:
        at, kind = _time(raw), raw.get("type")
        if kind in STAGES:
            stages.append((at, STAGES[kind]))
        elif kind == "breach" and not raw.get("deleted"):
            breach = at  # Zendesk's own breach time; a deleted one did not happen
        elif kind == "apply_sla" and isinstance(raw.get("sla"), dict):
            minutes = raw["sla"].get("target")
            if isinstance(minutes, (int, float)):
                target, target_at = Target(metric, float(minutes), bool(raw["sla"].get("business_hours"))), at
    return MetricHistory(_policy_name(metric, instance), instance, tuple(stages), breach, target, target_at)


def _time(raw: dict[str, Any]) -> datetime:
    """A grouped event's time (histories_from_export groups only events whose time parses)."""
    at = parse_time(raw["time"])
    assert at is not None
    return at


def _policy_name(metric: str, instance: int) -> str:
    if metric == REPLY:
        return "first_reply_time" if instance <= 1 else "next_reply_time"
    return metric
