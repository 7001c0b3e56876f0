"""What the ticket sidebar app shows of one ticket (pure): its escalation, the communication plan, the next SLA
moment, what the request checklist found missing, the timeline, and how an agent asks for a change.

Everything comes from the service's own record (the episode) and its pending timer rows; the only thing read
from Zendesk for it is the owner's name. Moments are ISO 8601 in UTC, with the service's own `now`, so the app
counts down from the service's clock rather than the agent's.
"""

from datetime import datetime, timezone
from typing import Any, Iterable, Protocol, overload

from ..kinds import LIFECYCLE, TIMER
from ..lifecycle.episode import ACTIVE, CLOSED, REQUESTED, Episode
from ..policy import Policy
from ..sla.timers import NAMES
from ..wording import moment, span

# Each timeline step in words (the record's causes are the state machine's).
STEPS = {
    "escalated": "escalated",
    "re-escalated": "re-escalated on new evidence while monitoring",
    "reopened": "re-escalated: the ticket was reopened while monitoring",
    "solved": "solved: monitoring started",
    "monitored": "closed: monitoring ended without recurrence",
    "deescalated": "de-escalated with the customer's agreement",
    "reminder": "a customer update was missed",
    "closed_in_zendesk": "closed: Zendesk closed the ticket",
    "adopted": "adopted from the ticket's fields",
}
NEXT_STEPS = {"update_due": "customer update due", "monitoring_end": "monitoring ends"}


class Moment(Protocol):
    """A pending timer row of the ticket (store.overview's Moment): its kind and payload."""

    @property
    def kind(self) -> str: ...

    @property
    def payload(self) -> dict[str, Any]: ...


def ticket_view(
    ticket_id: int,
    episode: Episode | None,
    moments: Iterable[Moment],
    policy: Policy,
    now: datetime,
    owner_name: str | None = None,
) -> dict[str, Any]:
    """The JSON the sidebar app renders for one ticket; `escalation` is None when it never was escalated."""
    moments = list(moments)
    return {
        "ticket_id": ticket_id,
        "now": iso(now),
        "escalation": escalation(episode, policy, owner_name) if episode else None,
        "plan": plan(episode, moments, policy),
        "next_step": next_step(episode, moments),
        "sla": next_sla(moments),
        "actions": actions(policy),
    }


def escalation(episode: Episode, policy: Policy, owner_name: str | None) -> dict[str, Any]:
    """The episode: where it stands, why, who owns it, what the request lacked, and its timeline."""
    owner = {"id": episode.owner_id, "name": owner_name or f"user {episode.owner_id}"} if episode.owner_id else None
    return {
        "state": episode.state,
        "open": episode.state != CLOSED,
        "level": episode.level,
        "level_name": policy.level(episode.level).name,
        "reason": episode.latest_reason,
        "rule": episode.rule,
        "evidence": list(episode.evidence),
        "opened_at": iso(episode.opened_at),
        "closed_at": iso(episode.closed_at),
        "owner": owner,
        "missing": list(episode.missing) if episode.missing is not None else None,
        "timeline": [
            {
                "at": iso(step.at),
                "state": step.state,
                "level": step.level,
                "what": STEPS.get(step.cause, step.cause),
                "detail": step.detail,
                "reason": step.reason,
            }
            for step in episode.history
        ],
        "review": episode.review,
    }


def plan(episode: Episode | None, moments: list[Moment], policy: Policy) -> dict[str, Any] | None:
    """The communication plan of an active escalation (monitoring has none): the cadence by priority, the next
    update due."""
    lifecycle = policy.lifecycle
    if episode is None or episode.state not in (ACTIVE, REQUESTED) or not (lifecycle.enabled and lifecycle.cadence):
        return None
    due = [m.payload["at"] for m in _episode_moments(episode, moments) if m.payload["kind"] == "update_due"]
    # The cadence follows the ticket's priority, which the service does not keep: the app reads it in Zendesk.
    return {
        "cadence": {priority: span(every) for priority, every in lifecycle.cadence},
        "business_hours": lifecycle.cadence_schedule,
        "next_update_due": _iso_epoch(min(due)) if due else None,
    }


def next_step(episode: Episode | None, moments: list[Moment]) -> dict[str, Any] | None:
    """The open escalation's next lifecycle moment (a customer update due, the end of monitoring)."""
    if episode is None or episode.state == CLOSED:
        return None
    found = [m.payload for m in _episode_moments(episode, moments)]
    if not found:
        return None
    nearest = min(found, key=lambda payload: payload["at"])
    return {
        "kind": nearest["kind"],
        "what": NEXT_STEPS.get(nearest["kind"], nearest["kind"]),
        "at": _iso_epoch(nearest["at"]),
    }


def next_sla(moments: list[Moment]) -> dict[str, Any] | None:
    """The nearest SLA breach among the ticket's pending SLA timers, and the timer that acts next."""
    timers = [m.payload for m in moments if m.kind == TIMER]
    if not timers:
        return None
    breach = min(timers, key=lambda timer: timer["breach_at"])
    acts = min(timers, key=lambda timer: timer["fire_at"])
    return {
        "metric": breach["metric"],
        "name": NAMES.get(breach["metric"], breach["metric"]),
        "breach_at": _iso_epoch(breach["breach_at"]),
        "next_moment": {"kind": acts["kind"], "stage": acts["stage"], "at": _iso_epoch(acts["fire_at"])},
    }


def actions(policy: Policy) -> dict[str, Any]:
    """How an agent asks, in the ticket itself, for an escalation or a de-escalation (the usual webhook acts)."""
    return {
        "status_field_id": policy.fields.status,
        "requested_value": policy.values.requested,
        "closed_value": policy.values.closed,
        "request_tag": policy.manual.tag,
        "deescalate_tag": policy.lifecycle.deescalate_tag,
        "agreement_phrases": list(policy.lifecycle.agreement_phrases),
    }


@overload
def iso(moment: datetime) -> str: ...
@overload
def iso(moment: None) -> None: ...
@overload
def iso(moment: datetime | None) -> str | None: ...


def iso(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 in UTC, to the second ("2026-11-23T09:00:00Z")."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _iso_epoch(epoch: float) -> str:
    return iso(moment(epoch))


def _episode_moments(episode: Episode, moments: list[Moment]) -> list[Moment]:
    return [m for m in moments if m.kind == LIFECYCLE and m.payload.get("episode_id") == episode.id]
