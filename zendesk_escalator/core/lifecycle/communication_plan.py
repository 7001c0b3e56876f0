"""The escalation's communication plan: when the customer's next public update is due, and how the note says it."""

from datetime import datetime, timedelta

from ..policy import Policy
from ..sla.hours import Schedule, add_business_minutes, calendar_schedule
from ..snapshot import TicketSnapshot
from ..wording import span
from .episode import Episode


def plan_lines(
    episode: Episode,
    ticket: TicketSnapshot,
    policy: Policy,
    now: datetime,
    schedules: dict[str, Schedule] | None = None,
) -> tuple[str, ...]:
    """What the escalation note says about ownership and the communication plan."""
    lines = [f"Escalation owner: user {episode.owner_id}"] if episode.owner_id else []
    every = policy.lifecycle.every(ticket.priority)
    if every:
        hours = f" ({policy.lifecycle.cadence_schedule} business hours)" if policy.lifecycle.cadence_schedule else ""
        due = _due_after(now, every, policy, schedules)
        lines.append(
            f"Communication plan: a public update to the customer every {span(every)}{hours}; "
            f"next one due by {due.strftime('%Y-%m-%d %H:%M UTC')}"
        )
    return tuple(lines)


def update_due(
    since: datetime, ticket: TicketSnapshot, policy: Policy, schedules: dict[str, Schedule] | None = None
) -> datetime | None:
    """When the next public update to the customer is due, after one at `since`."""
    every = policy.lifecycle.every(ticket.priority)
    if every is None:
        return None
    return _due_after(since, every, policy, schedules)


def _due_after(since: datetime, every: timedelta, policy: Policy, schedules: dict[str, Schedule] | None) -> datetime:
    """The moment `every` of the cadence's business time has passed since `since`."""
    name = policy.lifecycle.cadence_schedule
    schedule = (schedules or policy.schedules).get(name) if name else calendar_schedule()
    return add_business_minutes(schedule or calendar_schedule(), since, every / timedelta(minutes=1))
