"""The escalation policy as plain dataclasses (pure): what the decision core reads."""

from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any

from .channels import HotlinePolicy, NotifyTarget
from .conditions import When
from .sla_policy import SlaPolicy

PRIORITIES = ("low", "normal", "high", "urgent")
NOTE_PLACEHOLDERS = frozenset({"rule", "reason", "level", "level_name", "evidence", "actions", "quote"})
DEFAULT_NOTE = """Escalated by zendesk-escalator: rule $rule, reason $reason, level $level $level_name

Evidence:
$evidence

Actions: $actions
$quote"""


@dataclass(frozen=True)
class Trigger:
    """Level and optional priority floor an escalation trigger applies."""

    level: int = 1
    priority: str | None = None


@dataclass(frozen=True)
class ImpactRule:
    """A business-critical situation (production down, data loss, ...) and its escalation."""

    reason: str
    level: int
    when: When
    priority: str | None = None


@dataclass(frozen=True)
class ManualRule:
    """How an agent asks for escalation by hand."""

    tag: str = "escalate"
    level: int = 1
    priority: str | None = None


@dataclass(frozen=True)
class Level:
    """Hierarchical escalation: who is told at this level."""

    level: int
    name: str = ""
    followers: tuple[int, ...] = ()


@dataclass(frozen=True)
class Route:
    """Functional escalation: first matching route picks the group."""

    group_id: int
    assignee_id: int | None = None
    when: When = field(default_factory=When)


@dataclass(frozen=True)
class FieldIds:
    """Ids of the escalation custom fields; each is optional."""

    status: int | None = None
    level: int | None = None
    reason: int | None = None
    escalated_at: int | None = None


@dataclass(frozen=True)
class StatusValues:
    """Values of the escalation status field (one per lifecycle state); for a drop-down, its options' tags."""

    active: str = "escalation_active"
    requested: str = "escalation_requested"
    monitoring: str = "escalation_monitoring"
    closed: str = "escalation_closed"

    @property
    def all(self) -> tuple[str, ...]:
        """Every value the service knows, so that an old one's tag can be removed."""
        return (self.active, self.requested, self.monitoring, self.closed)

    def of(self, state: str) -> str:
        """The value standing for a lifecycle state (requested, active, monitoring, closed)."""
        value: str = getattr(self, state)
        return value


@dataclass(frozen=True)
class OwnerRule:
    """Who owns an escalation: the first rule whose condition (and level) matches."""

    user_id: int
    when: When = field(default_factory=When)
    level: int | None = None  # only at this level; None: any


@dataclass(frozen=True)
class LifecyclePolicy:
    """An escalation's life after it opens: owner, communication plan, monitoring, close and review."""

    enabled: bool = False
    owners: tuple[OwnerRule, ...] = ()
    cadence: tuple[tuple[str, timedelta], ...] = ()  # priority -> how often the customer hears from us
    cadence_schedule: str | None = None  # count the cadence in these business hours; None: calendar time
    missed_updates: int = 2  # after this many missed updates in a row, raise a level
    monitoring: timedelta = timedelta(days=3)
    reopen_raises_level: bool = False
    deescalate_tag: str = "deescalate"
    agreement_phrases: tuple[str, ...] = (
        "customer agreed",
        "customer agrees",
        "customer confirmed",
        "agreed to de-escalate",
        "ok to de-escalate",
        "ok to close",
    )
    review_followup: bool = False  # the ticket was closed before the review: a follow-up ticket holds it

    def every(self, priority: str | None) -> timedelta | None:
        """The update cadence for this priority (None: no communication plan)."""
        return dict(self.cadence).get(priority or "normal")


@dataclass(frozen=True)
class RecurringPolicy:
    """Recurring incidents: an organization's run of urgent or high tickets escalates the newest of them."""

    enabled: bool = False
    count: int = 3  # this many tickets or more ...
    within: timedelta = timedelta(days=7)  # ... created within this long
    priorities: frozenset[str] = frozenset({"urgent", "high"})
    level: int = 2
    reason: str = "recurring_incidents"
    priority: str | None = None
    check_every: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class EmailPolicy:
    """Escalation by email: a new ticket sent to an escalation address about an existing case."""

    enabled: bool = True
    after_linking: str = "solve"  # the email's own ticket, once the case is escalated: "solve" or "merge"
    hosts: frozenset[str] = frozenset()  # the account's subdomain and help center hosts (ticket URLs)
    linked_tag: str = "escalation_email_linked"


@dataclass(frozen=True)
class ChecklistPolicy:
    """The escalation request checklist: what a customer's request has and lacks."""

    enabled: bool = True
    ask_customer: bool = False  # one public reply asking for what is missing
    own_domains: frozenset[str] = frozenset()  # the support organisation's; the escalation addresses' too


@dataclass(frozen=True)
class ReportPolicy:
    """The daily status report: when, in which time zone, and where it goes (off unless a destination is set)."""

    enabled: bool = False
    daily_at: time = time(8, 0)  # local time in `time_zone`
    time_zone: str = "UTC"
    ticket_id: int | None = None  # post it as an internal note on this ticket, or
    email: str | None = None  # create a ticket addressed to this person (Zendesk emails it)
    name: str | None = None  # the requester's name, should Zendesk create the user


@dataclass(frozen=True)
class DashboardPolicy:
    """Who may open the dashboard after signing in with Zendesk: admins always, and these roles."""

    roles: frozenset[str | int] = frozenset()  # "agent" (every agent), custom role ids


@dataclass(frozen=True)
class Policy:
    """Everything the pure decision core needs to know about the admin's process."""

    addresses: frozenset[str]
    default_group_id: int | None = None
    integration_user_id: int | None = None
    escalated_tag: str = "escalated"
    fields: FieldIds = field(default_factory=FieldIds)
    values: StatusValues = field(default_factory=StatusValues)
    cc: Trigger = field(default_factory=Trigger)
    manual: ManualRule = field(default_factory=ManualRule)
    impacts: tuple[ImpactRule, ...] = ()
    levels: tuple[Level, ...] = ()
    routes: tuple[Route, ...] = ()
    note_template: str = DEFAULT_NOTE
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    lifecycle: LifecyclePolicy = field(default_factory=LifecyclePolicy)
    recurring: RecurringPolicy = field(default_factory=RecurringPolicy)
    email: EmailPolicy = field(default_factory=EmailPolicy)
    checklist: ChecklistPolicy = field(default_factory=ChecklistPolicy)
    report: ReportPolicy = field(default_factory=ReportPolicy)
    dashboard: DashboardPolicy = field(default_factory=DashboardPolicy)
    phone: HotlinePolicy = field(default_factory=HotlinePolicy)
    notify: tuple[NotifyTarget, ...] = ()
    # name -> sla.hours.Schedule; Any because the root (shared vocabulary) imports no sub-package
    schedules: dict[str, Any] = field(default_factory=dict)

    def level(self, number: int) -> Level:
        """Return the configured level, or a bare one."""
        return next((lvl for lvl in self.levels if lvl.level == number), Level(number))
