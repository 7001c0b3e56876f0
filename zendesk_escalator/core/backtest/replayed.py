"""One ticket in the backtest: what the exports tell of it, and how the replay has it now."""

from dataclasses import dataclass, field
from datetime import datetime

from ..lifecycle.episode import Episode
from ..sla.history import MetricHistory
from ..snapshot import TicketSnapshot
from .ticket_history import Change

MomentKey = tuple[str, int, int | None, datetime]  # a lifecycle moment: its kind, the ticket, the episode, when


@dataclass
class TicketHistory:
    """What the exports tell of one ticket: today's state, its changes, its SLA clock."""

    ticket: TicketSnapshot
    changes: list[Change] = field(default_factory=list)
    clocks: list[MetricHistory] = field(default_factory=list)
    subject: str = ""  # today's: a recurring run's evidence lists it


@dataclass
class Replayed:
    """One ticket as the replay has it now: the ticket, its episode, its pending lifecycle moments."""

    history: TicketHistory
    state: TicketSnapshot
    episode: Episode | None = None
    priority_by_people: str | None = None  # what the recurring check counts: the replay's own raises left out
    last_update: datetime | None = None  # the latest public comment by an agent: what a reminder reads
    moments: set[MomentKey] = field(default_factory=set)  # a later step supersedes them, as it does the inbox rows
    # key -> moment of the SLA timers planned: others are superseded
    timers: dict[str, datetime] = field(default_factory=dict)

    @property
    def id(self) -> int:
        """The ticket's id."""
        return self.history.ticket.id
