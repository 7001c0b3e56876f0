"""What a webhook told us (pure): which ticket, who acted, and the hints screening reads."""

from dataclasses import dataclass, field, fields, replace
from typing import Any

STAFF_ROLES = frozenset({"agent", "admin"})
# Event types whose hints say nothing a rule can screen on: fail open, read.
CREATED = "ticket.created"
COMMENT_ADDED = "ticket.comment_added"
REFERRAL = "referral"  # a notification the service raised itself, for another ticket than the one it saw


@dataclass(frozen=True)
class Referral:
    """A request about this ticket found elsewhere: a run of recurring incidents, an escalation email."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class CommentHint:
    """The comment an event webhook announced (event.comment)."""

    id: int | None = None
    author_id: int | None = None
    author_is_staff: bool | None = None
    public: bool | None = None
    body: str | None = None


@dataclass(frozen=True)
class Notification:
    """One webhook: the ticket, who acted, and optional hints (None means unknown)."""

    ticket_id: int
    source: str  # "trigger" or "event"
    event_type: str | None = None  # e.g. "ticket.comment_added"; None for trigger webhooks
    actor_id: int | None = None
    actor_role: str | None = None  # "end-user", "agent" or "admin" (trigger: {{current_user.role}})
    tags: tuple[str, ...] | None = None
    priority: str | None = None
    status: str | None = None
    updated_at: str | None = None
    escalation_status: str | None = None  # trigger hint: the escalation status field's value
    comment: CommentHint | None = None
    tags_added: tuple[str, ...] | None = None
    field_id: int | None = None  # ticket.custom_field_changed: which field
    via: str | None = None  # how the ticket came in: {{ticket.via}} (trigger), detail.via.channel (event)
    received_at: float | None = None  # set from the inbox row, not stored in the payload
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def by_staff(self) -> bool:
        """True when hints show an agent or admin acted (False when unknown)."""
        if self.comment is not None and self.comment.author_is_staff is not None:
            return self.comment.author_is_staff
        return self.actor_role in STAFF_ROLES

    @property
    def may_add_customer_comment(self) -> bool:
        """Whether this change may have brought a new comment from the customer."""
        if self.by_staff:
            return False
        if self.source == "trigger":
            return True
        return self.event_type in (COMMENT_ADDED, CREATED)

    @property
    def referral(self) -> Referral | None:
        """The request this notification delivers, when the service raised it itself."""
        return Referral(self.event_type or "", self.extra) if self.source == REFERRAL else None

    @classmethod
    def refer(cls, ticket_id: int, kind: str, data: dict[str, Any]) -> "Notification":
        """A notification the service raises for a ticket: the request `kind` with its `data`."""
        return cls(ticket_id=ticket_id, source=REFERRAL, event_type=kind, extra=data)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict for the inbox."""
        # Flat fields only, so no dataclasses.asdict (a recursive deep copy, ~10x slower).
        data = {name: getattr(self, name) for name in _STORED}
        for name in ("tags", "tags_added"):
            data[name] = list(data[name]) if data[name] is not None else None
        data["comment"] = self.comment.__dict__ if self.comment else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], received_at: float | None = None) -> "Notification":
        """Rebuild from `to_dict` output; keys of older releases (cc_names) are ignored."""
        known = {name: data[name] for name in _STORED if name in data}
        for name in ("tags", "tags_added"):
            if known.get(name) is not None:
                known[name] = tuple(known[name])
        if known.get("comment"):
            known["comment"] = CommentHint(**known["comment"])
        return replace(cls(**known), received_at=received_at)


_STORED = tuple(f.name for f in fields(Notification) if f.name != "received_at")
