"""Zendesk's ticket and comment API answers to snapshots (pure): the ticket, its users, comments and SLA clock."""

from dataclasses import dataclass
from typing import Any, cast

from .call import call_of, transcript_of
from .snapshot import Comment, Comments, Metric, Person, Target, TicketSnapshot, parse_time

# A comment's via.channel when it came by email, as a via type or a via id (via types reference).
EMAIL_CHANNELS = frozenset({"email", "mail", 4, "4"})


def ticket_from_api(
    ticket_json: dict[str, Any], comments: tuple[Comment, ...] = (), comment_count: int | None = None
) -> TicketSnapshot:
    """Build a snapshot from GET tickets/{id}.json?include=users and the new comments."""
    ticket = ticket_json["ticket"]
    emails = _emails(ticket_json.get("users"))
    cc_ids = set(ticket.get("email_cc_ids") or []) | set(ticket.get("collaborator_ids") or [])
    return TicketSnapshot(
        id=ticket["id"],
        status=ticket.get("status"),
        priority=ticket.get("priority"),
        group_id=ticket.get("group_id"),
        assignee_id=ticket.get("assignee_id"),
        form_id=ticket.get("ticket_form_id"),
        organization_id=ticket.get("organization_id"),
        brand_id=ticket.get("brand_id"),
        recipient=(ticket.get("recipient") or "").lower() or None,
        subject=str(ticket.get("subject") or ""),
        description=str(ticket.get("description") or ""),
        requester_id=ticket.get("requester_id"),
        requester=person_of(ticket_json.get("users"), ticket.get("requester_id")),
        tags=tuple(ticket.get("tags") or ()),
        custom_fields=tuple((f["id"], f.get("value")) for f in ticket.get("custom_fields") or ()),
        cc_emails=frozenset(emails[i] for i in cc_ids if emails.get(i)),
        cc_ids=frozenset(cc_ids),
        # Without "CCs and followers" there are no follower_ids; collaborators hold the agents.
        follower_ids=frozenset(ticket.get("follower_ids", ticket.get("collaborator_ids")) or ()),
        has_followers="follower_ids" in ticket,
        updated_at=ticket.get("updated_at"),
        new_comments=comments,
        comment_count=comment_count,
        created_at=parse_time(ticket.get("created_at")),
        sla_metrics=_metrics(ticket.get("slas")),
        agent_replies=_replies(ticket_json.get("metric_set") or ticket.get("metric_set")),
        sla_targets=_targets(ticket.get("metric_events")),
        call=call_of(ticket.get("via")),
    )


def tickets_from_api(answer: dict[str, Any]) -> dict[int, TicketSnapshot]:
    """Snapshots from a list answer (show_many, incremental export), metric sets matched by ticket id."""
    metric_sets = {m.get("ticket_id"): m for m in answer.get("metric_sets") or () if isinstance(m, dict)}
    return {
        raw["id"]: ticket_from_api({"ticket": raw, "metric_set": metric_sets.get(raw["id"])})
        for raw in answer.get("tickets") or ()
        if isinstance(raw, dict) and "id" in raw
    }


def comments_from_api(comments_json: dict[str, Any]) -> Comments:
    """Parse GET tickets/{id}/comments.json?include=users (newest first)."""
    people = People.of(comments_json.get("users"))
    page = tuple(comment_from_api(raw, people) for raw in comments_json.get("comments") or ())
    return Comments(page, comments_json.get("count"))


@dataclass(frozen=True)
class People:
    """Users by id, as sideloaded or read: their addresses (lower-case) and roles."""

    emails: dict[int, str]
    roles: dict[int, str | None]

    @classmethod
    def of(cls, users: list[dict[str, Any]] | None) -> "People":
        """Index a list of user objects."""
        return cls(_emails(users), {u["id"]: u.get("role") for u in users or () if "id" in u})

    def role(self, user_id: int | None) -> str | None:
        """A user's role (None: unknown, or no user)."""
        return self.roles.get(cast(int, user_id))  # dict.get takes None too: no user has that id


def _metrics(slas: dict[str, Any] | None) -> tuple[Metric, ...]:
    found = []
    for raw in (slas or {}).get("policy_metrics") or ():
        if isinstance(raw, dict) and raw.get("metric"):
            found.append(Metric(raw["metric"], str(raw.get("stage") or "").lower(), parse_time(raw.get("breach_at"))))
    return tuple(found)


def _targets(metric_events: dict[str, Any] | None) -> tuple[Target, ...]:
    """The latest apply_sla of each metric (metric_events is keyed by metric name)."""
    found: dict[str, Target] = {}
    for metric, events in (metric_events or {}).items() if isinstance(metric_events, dict) else ():
        for event in events or ():
            sla = event.get("sla") if isinstance(event, dict) and event.get("type") == "apply_sla" else None
            if isinstance(sla, dict) and isinstance(sla.get("target"), (int, float)):
                found[metric] = Target(metric, float(sla["target"]), bool(sla.get("business_hours")))
    return tuple(found.values())


def _replies(metric_set: dict[str, Any] | None) -> int | None:
    replies = (metric_set or {}).get("replies")
    return replies if isinstance(replies, int) else None


def person_of(users: list[dict[str, Any]] | None, user_id: int | None) -> Person | None:
    """The user of this id among user objects, as a Person (None: not among them)."""
    user = next((u for u in users or () if isinstance(u, dict) and u.get("id") == user_id), None)
    return Person(user.get("name"), (user.get("email") or "").lower() or None, user.get("phone")) if user else None


def _emails(users: list[dict[str, Any]] | None) -> dict[int, str]:
    return {u["id"]: (u.get("email") or "").lower() for u in users or () if "id" in u}


def comment_from_api(raw: dict[str, Any], people: People) -> Comment:
    """One comment object (comments API, or a Comment event of the ticket events export)."""
    via = raw.get("via")
    return Comment(
        id=raw.get("id"),
        author_id=raw.get("author_id"),
        body=raw.get("plain_body") or raw.get("body") or "",
        public=bool(raw.get("public", True)),
        recipients=frozenset(_recipients(via if isinstance(via, dict) else {}, people.emails)),
        author_role=people.role(raw.get("author_id")),
        created_at=raw.get("created_at"),
        by_email=isinstance(via, dict) and via.get("channel") in EMAIL_CHANNELS,
        transcript=transcript_of(raw),
    )


def _recipients(via: dict[str, Any], emails: dict[int, str]) -> set[str]:
    """Every address an email comment went to: To, original recipients and CCs.

    Zendesk lists a comment's CCs as user ids (resolved through the sideloaded
    users); only a deleted user's CC is given as the address itself.
    """
    source = via.get("source") or {}
    sent_from, sent_to = source.get("from") or {}, source.get("to") or {}
    candidates = [sent_to.get("address"), *(sent_from.get("original_recipients") or [])]
    for cc in sent_to.get("email_ccs") or []:
        candidates.append(emails.get(cc) if isinstance(cc, int) else cc)
    return {c.lower() for c in candidates if isinstance(c, str) and "@" in c}
