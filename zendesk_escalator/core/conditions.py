"""The one `when` condition every policy section uses (pure).

A condition holds when every part that is set holds; inside a part, any value
will do (but `tags_all`, where every tag must be present). An empty condition
always holds. Phrases are looked for, case-insensitively and as whole words, in
the customer's new comments only: agents quoting a customer must not escalate.
"""

import re
from dataclasses import dataclass, field

from .notification import Notification
from .snapshot import TicketSnapshot


@dataclass(frozen=True)
class When:
    """Conditions on a ticket; unset parts are not checked."""

    tags_any: frozenset[str] = frozenset()
    tags_all: frozenset[str] = frozenset()
    tags_none: frozenset[str] = frozenset()
    priority: frozenset[str] = frozenset()
    form_id: frozenset[int] = frozenset()
    organization_id: frozenset[int] = frozenset()
    brand_id: frozenset[int] = frozenset()
    fields: tuple[tuple[int, frozenset[str]], ...] = ()  # field id, accepted values (as text)
    phrases: tuple[str, ...] = ()
    _patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns = tuple(_phrase_pattern(p) for p in self.phrases)
        object.__setattr__(self, "_patterns", patterns)

    def evidence(self, ticket: TicketSnapshot) -> tuple[str, ...] | None:
        """Return why the condition holds on this ticket, or None when it does not."""
        tags = set(ticket.tags)
        if self.tags_any and not self.tags_any & tags:
            return None
        if not self.tags_all <= tags or self.tags_none & tags:
            return None
        for part, value in (
            ("priority", ticket.priority),
            ("form_id", ticket.form_id),
            ("organization_id", ticket.organization_id),
            ("brand_id", ticket.brand_id),
        ):
            accepted = getattr(self, part)
            if accepted and value not in accepted:
                return None
        for field_id, values in self.fields:
            if _text(ticket.field(field_id)) not in values:
                return None
        found = self.phrases_in(ticket) if self.phrases else ()
        if self.phrases and not found:
            return None
        return (*self._describe(tags), *found)

    def phrases_in(self, ticket: TicketSnapshot) -> tuple[str, ...]:
        """Each phrase found in a new customer comment, as evidence."""
        found = []
        for comment in ticket.new_customer_comments:
            for phrase, pattern in zip(self.phrases, self._patterns):
                if pattern.search(comment.body):
                    found.append(f'comment #{comment.id} from the customer says "{phrase}"')
        return tuple(found)

    def could_hold(self, note: Notification) -> bool:
        """False only when the webhook's own hints rule the condition out."""
        if note.tags is not None:
            tags = set(note.tags)
            if (self.tags_any and not self.tags_any & tags) or not self.tags_all <= tags or self.tags_none & tags:
                return False
        if self.priority and note.priority is not None and note.priority not in self.priority:
            return False
        if self.phrases:
            if not note.may_add_customer_comment:
                return False  # the words must come in a new comment from the customer
            body = note.comment.body if note.comment else None
            if body is not None and not any(p.search(body) for p in self._patterns):
                return False
        return True

    def _describe(self, tags: set[str]) -> list[str]:
        described = [f"tag {tag}" for tag in sorted(self.tags_any & tags)]
        described += [f"tag {tag}" for tag in sorted(self.tags_all)]
        if self.priority:
            described.append(f"priority is one of {', '.join(sorted(self.priority))}")
        return described


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
