"""What the dashboard is built from (pure data): the service's own records, and what Zendesk told for the view."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..lifecycle.episode import Episode


@dataclass(frozen=True)
class Moment:
    """A pending timer row of a ticket: an SLA timer or a lifecycle moment (kinds.MOMENTS), with its payload."""

    ticket_id: int
    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Decided:
    """A finished row whose outcome names a rule: when it finished (epoch seconds) and its stored result."""

    ticket_id: int
    kind: str
    at: float
    result: dict[str, Any]


@dataclass(frozen=True)
class Dead:
    """A dead inbox row: what it was for and why it failed."""

    id: int
    ticket_id: int
    kind: str
    error: str
    at: float


@dataclass(frozen=True)
class InboxHealth:
    """Rows by status, the pending ones that failed before, and since when the oldest due row waits."""

    counts: dict[str, int]
    retrying: int
    oldest_due: float | None


@dataclass(frozen=True)
class Stored:
    """What the service's database holds for the page."""

    episodes: list[Episode]
    moments: list[Moment] = field(default_factory=list)
    decisions: list[Decided] = field(default_factory=list)
    health: InboxHealth = field(default_factory=lambda: InboxHealth({}, 0, None))
    opened: list[tuple[float, str]] = field(default_factory=list)
    dead: list[Dead] = field(default_factory=list)


@dataclass(frozen=True)
class TicketFacts:
    """A ticket as Zendesk has it: subject, people, its SLA clock (metric -> breach moment) and last public reply."""

    subject: str = ""
    requester_id: int | None = None
    organization_id: int | None = None
    breaches: dict[str, datetime] = field(default_factory=dict)
    last_reply: datetime | None = None
    replies_read: bool = False  # whether last_reply was read (else it is not known)


@dataclass(frozen=True)
class Known:
    """What Zendesk told for this view (nothing when it was not read), and what that cost."""

    tickets: dict[int, TicketFacts] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    organizations: dict[int, str] = field(default_factory=dict)
    api_calls: int = 0
    problem: str | None = None  # why some of it is missing
