"""An SLA timer at its moment (pure): the re-check on the ticket as read then, and the update it asks for."""

from datetime import datetime, timezone
from typing import cast
from zoneinfo import ZoneInfo

from ..escalation.rules import Decision
from ..policy import Policy
from ..snapshot import TicketSnapshot
from ..state import NOT_ESCALATED, Standing
from ..wording import span
from .hours import Schedule
from .timers import BREACH, DONE_STATUSES, NAMES, OWN_TARGET, WARNING, Timer, own_target
from .zone_names import iana_zone


def stale_because(
    timer: Timer,
    ticket: TicketSnapshot,
    policy: Policy,
    account: Schedule | None = None,
    standing: Standing = NOT_ESCALATED,
) -> str | None:
    """Why a timer must not act on the ticket as read just now (and its episode's `standing`); None when it must."""
    if ticket.status in DONE_STATUSES:
        return f"the ticket is {ticket.status}"
    if timer.metric == OWN_TARGET:
        if ticket.agent_replies:
            return "an agent has replied"
        if ticket.sla_metrics:  # as breach_moments plans: the own target stands in only for no Zendesk SLA
            return "Zendesk's SLA policy measures the ticket now"
        current = own_target(ticket, policy, account)
    else:
        metric = next((m for m in ticket.sla_metrics if m.name == timer.metric), None)
        if metric is None or metric.stage != "active":
            return f"{NAMES.get(timer.metric, timer.metric)} is {metric.stage if metric else 'no longer measured'}"
        current = metric.breach_at
    if current != timer.breach_at:
        return "the breach time has moved"
    if (
        timer.kind == BREACH
        and timer.round == 0
        and standing.reason == BREACH
        and standing.covers(policy.sla.breach_level)
    ):
        # A breach Zendesk moved after it was escalated (e.g. our own priority raise changed the target).
        return f"already escalated for an SLA breach at level {standing.level}"
    if timer.kind == BREACH and timer.round and standing.covers(policy.sla.max_level):
        return f"already at level {standing.level}, the highest a breach raises to"
    return None


def decide_timer(
    timer: Timer, ticket: TicketSnapshot, policy: Policy, now: datetime, standing: Standing = NOT_ESCALATED
) -> Decision:
    """The update a due, fresh timer asks for, against the episode's `standing`: a warning, the breach, or a
    reminder one level up."""
    sla = policy.sla
    name, when = NAMES.get(timer.metric, timer.metric), _both_zones(timer.breach_at, sla.time_zone)
    if timer.kind == WARNING:
        evidence = f"{name} breaches at {when}: {span(timer.breach_at - now)} left ({timer.stage})"
        level = max(standing.level, sla.warning_level) if standing.escalated else sla.warning_level
        return Decision(
            "sla_warning",
            # An episode names its reason; only a standing screened from tags may lack one (passed on as is).
            cast(str, standing.reason) if standing.escalated else WARNING,
            level,
            evidence=(evidence,),
            reassign=False,
        )
    late = span(now - timer.breach_at)
    if timer.round == 0:
        level = max(standing.level, sla.breach_level) if standing.escalated else sla.breach_level
        return Decision("sla_breach", BREACH, level, sla.breach_priority, (f"{name} breached at {when}, {late} ago",))
    level = min(sla.max_level, max(standing.level, sla.breach_level) + 1)
    return Decision(
        "sla_breach",
        BREACH,
        level,
        sla.breach_priority,
        (f"{name} still breached and unanswered: breached at {when}, {late} ago",),
        reassign=False,
    )


UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"})


def _both_zones(moment: datetime, zone: str) -> str:
    utc = moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if iana_zone(zone) in UTC_NAMES:  # Zendesk's "UTC" is Rails' name for Etc/UTC
        return utc
    local = moment.astimezone(ZoneInfo(iana_zone(zone)))
    return f"{local.strftime('%Y-%m-%d %H:%M %Z')} ({utc})"
