"""What a webhook told us: which ticket, who acted, and hints (pure)."""

from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields


@dataclass(frozen=True)
class Notification:
    """What a webhook told us: which ticket, who acted, and optional hints."""

    ticket_id: int
    source: str  # "trigger" or "event"
    event_type: str | None = None
    actor_id: int | None = None
    tags: tuple[str, ...] | None = None
    priority: str | None = None
    status: str | None = None
    updated_at: str | None = None
    cc_names: str | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return a JSON-ready dict for the inbox."""
        # Flat fields only, so no dataclasses.asdict (a recursive deep copy, ~10x slower).
        data = {name: getattr(self, name) for name in _NOTIFICATION_FIELDS}
        data["tags"] = list(self.tags) if self.tags is not None else None
        data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Notification":
        """Rebuild from `to_dict` output."""
        data = dict(data)
        if data.get("tags") is not None:
            data["tags"] = tuple(data["tags"])
        return cls(**data)


_NOTIFICATION_FIELDS = tuple(f.name for f in dataclass_fields(Notification))
