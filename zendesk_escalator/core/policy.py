"""The escalation policy as plain dataclasses (pure): what the decision core reads."""

from dataclasses import dataclass, field

from .conditions import When

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
    """Values of the escalation status field; for a drop-down they are its options' tags."""

    active: str = "escalation_active"
    requested: str = "escalation_requested"

    @property
    def all(self) -> tuple[str, ...]:
        """Every value the service knows, so that an old one's tag can be removed."""
        return (self.active, self.requested)


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

    def level(self, number: int) -> Level:
        """Return the configured level, or a bare one."""
        return next((lvl for lvl in self.levels if lvl.level == number), Level(number))
