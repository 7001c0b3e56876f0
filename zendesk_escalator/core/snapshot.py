"""The ticket as read from the API, reduced to what the decision core needs (pure)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Comment:
    """The latest comment: the request an escalation quotes."""

    id: int | None
    author_id: int | None
    body: str
    public: bool
    recipients: frozenset[str]  # lower-case email addresses it was sent to or CC'd to


@dataclass(frozen=True)
class TicketSnapshot:
    """One ticket at one moment; built from GET tickets/{id} (+users) and its latest comment."""

    id: int
    status: str | None = None
    priority: str | None = None
    group_id: int | None = None
    assignee_id: int | None = None
    form_id: int | None = None
    recipient: str | None = None
    tags: tuple[str, ...] = ()
    custom_fields: tuple[tuple[int, object], ...] = ()
    cc_emails: frozenset[str] = frozenset()
    follower_ids: frozenset[int] = frozenset()
    updated_at: str | None = None
    latest_comment: Comment | None = None

    def field(self, field_id: int | None) -> object:
        """Return a custom field's value (None when unset or not configured)."""
        return dict(self.custom_fields).get(field_id) if field_id else None


def from_api(ticket_json: dict, comments_json: dict | None) -> TicketSnapshot:
    """Build a snapshot from the raw show-ticket (include=users) and list-comments answers."""
    ticket = ticket_json["ticket"]
    emails = {user["id"]: (user.get("email") or "").lower()
              for user in ticket_json.get("users", []) if "id" in user}
    cc_ids = set(ticket.get("email_cc_ids") or []) | set(ticket.get("collaborator_ids") or [])
    comments = (comments_json or {}).get("comments") or []
    return TicketSnapshot(
        id=ticket["id"],
        status=ticket.get("status"),
        priority=ticket.get("priority"),
        group_id=ticket.get("group_id"),
        assignee_id=ticket.get("assignee_id"),
        form_id=ticket.get("ticket_form_id"),
        recipient=(ticket.get("recipient") or "").lower() or None,
        tags=tuple(ticket.get("tags") or ()),
        custom_fields=tuple((f["id"], f.get("value")) for f in ticket.get("custom_fields") or ()),
        cc_emails=frozenset(emails[i] for i in cc_ids if emails.get(i)),
        follower_ids=frozenset(ticket.get("follower_ids") or ()),
        updated_at=ticket.get("updated_at"),
        latest_comment=_comment(comments[0]) if comments else None,
    )


def _comment(raw: dict) -> Comment:
    return Comment(
        id=raw.get("id"),
        author_id=raw.get("author_id"),
        body=raw.get("plain_body") or raw.get("body") or "",
        public=bool(raw.get("public", True)),
        recipients=frozenset(_recipients(raw.get("via") or {})),
    )


def _recipients(via: dict) -> set[str]:
    """Collect every address an email comment went to: To, CC and original recipients."""
    source = via.get("source") or {}
    sent_from, sent_to = source.get("from") or {}, source.get("to") or {}
    candidates = [sent_to.get("address"), *(sent_from.get("original_recipients") or []),
                  *(sent_to.get("email_ccs") or [])]
    return {c.lower() for c in candidates if isinstance(c, str) and "@" in c}
