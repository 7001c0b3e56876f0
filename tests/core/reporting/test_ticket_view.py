"""What the sidebar app shows of one ticket (pure): the episode, its plan, the next SLA moment, the timeline."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from zendesk_escalator.core.escalation.rules import Decision
from zendesk_escalator.core.lifecycle.episode import CLOSED, DEESCALATED, MONITORING, SOLVED, escalated
from zendesk_escalator.core.policy import LifecyclePolicy
from zendesk_escalator.core.reporting.ticket_view import ticket_view
from zendesk_escalator.core.snapshot import TicketSnapshot

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
TICKET = TicketSnapshot(id=9, status="open", priority="high")
DECISION = Decision("customer_cc", "customer_cc", 1, evidence=("comment #7 from the customer was sent to x",))


@dataclass(frozen=True)
class Row:
    kind: str
    payload: dict


def sla_timer(kind, fire_at, breach_at, stage, metric="first_reply_time"):
    return Row(
        "timer",
        {
            "kind": kind,
            "ticket_id": 9,
            "metric": metric,
            "breach_at": breach_at.timestamp(),
            "fire_at": fire_at.timestamp(),
            "stage": stage,
            "round": 0,
        },
    )


def lifecycle_moment(kind, at, episode_id=4):
    return Row("lifecycle", {"kind": kind, "episode_id": episode_id, "at": at.timestamp()})


def planned(policy):
    return replace(
        policy,
        lifecycle=LifecyclePolicy(
            enabled=True, cadence=(("high", 2 * HOUR), ("normal", 8 * HOUR)), cadence_schedule="office"
        ),
    )


def test_not_escalated_shows_no_escalation_but_the_sla_clock_and_how_to_ask(policy):
    breach = NOW + 3 * HOUR
    view = ticket_view(
        9,
        None,
        [
            sla_timer("sla_breach", breach, breach, "at the breach"),
            sla_timer("sla_warning", breach - HOUR / 2, breach, "30 min before"),
        ],
        policy,
        NOW,
    )
    assert view["escalation"] is None and view["plan"] is None and view["next_step"] is None
    assert view["now"] == "2026-11-23T09:00:00Z"
    assert view["sla"] == {
        "metric": "first_reply_time",
        "name": "first reply time",
        "breach_at": "2026-11-23T12:00:00Z",
        "next_moment": {"kind": "sla_warning", "stage": "30 min before", "at": "2026-11-23T11:30:00Z"},
    }
    assert view["actions"] == {
        "status_field_id": 360010000001,
        "requested_value": "escalation_requested",
        "closed_value": "escalation_closed",
        "request_tag": "escalate",
        "deescalate_tag": "deescalate",
        "agreement_phrases": list(LifecyclePolicy().agreement_phrases),
    }


def test_an_active_escalation_with_owner_plan_missing_items_and_its_next_moments(policy):
    policy = planned(policy)
    episode = replace(escalated(None, DECISION, TICKET, policy, NOW), id=4, owner_id=31, missing=("Done so far",))
    moments = [
        lifecycle_moment("update_due", NOW + 2 * HOUR),
        lifecycle_moment("update_due", NOW + HOUR, episode_id=3),
        sla_timer("sla_breach", NOW + 5 * HOUR, NOW + 5 * HOUR, "at the breach", "next_reply_time"),
    ]
    view = ticket_view(9, episode, moments, policy, NOW + HOUR / 4, "Max Manager")
    shown = view["escalation"]
    assert (shown["state"], shown["open"], shown["level"], shown["level_name"]) == ("active", True, 1, "team lead")
    assert (shown["reason"], shown["rule"], shown["evidence"]) == (
        "customer_cc",
        "customer_cc",
        list(DECISION.evidence),
    )
    assert shown["owner"] == {"id": 31, "name": "Max Manager"} and shown["missing"] == ["Done so far"]
    assert shown["timeline"] == [
        {
            "at": "2026-11-23T09:00:00Z",
            "state": "active",
            "level": 1,
            "what": "escalated",
            "detail": "customer_cc: customer_cc at level 1",
            "reason": "customer_cc",
        }
    ]
    # Another episode's moment (3) is not this one's.
    assert view["plan"] == {
        "cadence": {"high": "2 h", "normal": "8 h"},
        "business_hours": "office",
        "next_update_due": "2026-11-23T11:00:00Z",
    }
    assert view["next_step"] == {"kind": "update_due", "what": "customer update due", "at": "2026-11-23T11:00:00Z"}
    assert view["sla"]["name"] == "next reply time" and view["sla"]["breach_at"] == "2026-11-23T14:00:00Z"


def test_monitoring_and_closed_escalations(policy):
    policy = planned(policy)
    opened = replace(escalated(None, DECISION, TICKET, policy, NOW), id=4, owner_id=31)
    monitoring = opened.moved(NOW + HOUR, MONITORING, SOLVED, "monitoring until 2026-11-26 10:00 UTC")
    view = ticket_view(9, monitoring, [lifecycle_moment("monitoring_end", NOW + 3 * 24 * HOUR)], policy, NOW + HOUR)
    assert view["escalation"]["state"] == "monitoring" and view["plan"] is None  # no updates due while monitoring
    assert view["next_step"] == {"kind": "monitoring_end", "what": "monitoring ends", "at": "2026-11-26T09:00:00Z"}
    assert view["escalation"]["owner"] == {"id": 31, "name": "user 31"}  # the name unknown: by id
    closed = replace(
        monitoring.moved(NOW + 2 * HOUR, CLOSED, DEESCALATED, "comment #8: customer agreed"),
        review="Post-escalation review …",
    )
    view = ticket_view(9, closed, [lifecycle_moment("update_due", NOW + 3 * HOUR)], policy, NOW + 2 * HOUR)
    shown = view["escalation"]
    assert (shown["open"], shown["closed_at"], shown["review"]) == (
        False,
        "2026-11-23T11:00:00Z",
        "Post-escalation review …",
    )
    assert [step["what"] for step in shown["timeline"]] == [
        "escalated",
        "solved: monitoring started",
        "de-escalated with the customer's agreement",
    ]
    assert view["plan"] is None and view["next_step"] is None and shown["missing"] is None
