"""The ticket as read from the API, reduced to what the decision core needs (pure)."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .call import Call
from .notification import Referral

CUSTOMER_ROLE = "end-user"
# A webhook is sent after its change is saved; comments a little older than the
# change it announces still belong to it (clock rounding, coalesced changes).
SLACK = timedelta(seconds=60)


@dataclass(frozen=True)
class Comment:
    """One comment, with the addresses it was sent to resolved."""

    id: int | None
    author_id: int | None
    body: str
    public: bool
    recipients: frozenset[str]  # lower-case addresses: To, original recipients and email CCs
    author_role: str | None = None  # "end-user", "agent", "admin"; None when the author is unknown
    created_at: str | None = None
    by_email: bool = False  # only an email names its recipients; web form, help center, API, SDK: none
    transcript: str | None = None  # a voice comment's transcription (Zendesk Talk)

    @property
    def by_customer(self) -> bool:
        """An end-user wrote it (an unknown author counts as one: fail open)."""
        return self.author_role in (CUSTOMER_ROLE, None)


@dataclass(frozen=True)
class Metric:
    """One SLA metric of the ticket, as Zendesk's own clock has it (ticket.slas.policy_metrics)."""

    name: str  # first_reply_time, next_reply_time, periodic_update_time, ...
    stage: str  # active, paused or achieved
    breach_at: datetime | None


@dataclass(frozen=True)
class Target:
    """The SLA target Zendesk applied to a metric (its latest apply_sla metric event)."""

    metric: str  # the metric event's name: reply_time, agent_work_time, ...
    minutes: float
    business_hours: bool


@dataclass(frozen=True)
class Person:
    """A user as the ticket's users sideload has them (the requester, for the request checklist)."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class TicketSnapshot:
    """One ticket at one moment, and the comments the service has not examined before."""

    id: int
    status: str | None = None
    priority: str | None = None
    group_id: int | None = None
    assignee_id: int | None = None
    form_id: int | None = None
    organization_id: int | None = None
    brand_id: int | None = None
    recipient: str | None = None
    subject: str = ""
    description: str = ""  # the first comment's text, as Zendesk keeps it on the ticket
    requester_id: int | None = None
    requester: Person | None = None
    tags: tuple[str, ...] = ()
    custom_fields: tuple[tuple[int, object], ...] = ()
    cc_emails: frozenset[str] = frozenset()
    cc_ids: frozenset[int] = frozenset()  # the users CC'd (email CCs, collaborators), known without their addresses
    follower_ids: frozenset[int] = frozenset()
    # Accounts without "CCs and followers" send no follower_ids and ignore `followers`.
    has_followers: bool = True
    updated_at: str | None = None
    new_comments: tuple[Comment, ...] = ()  # oldest first
    comment_count: int | None = None
    created_at: datetime | None = None
    sla_metrics: tuple[Metric, ...] = ()  # empty: no SLA policy applies (or slas were not read)
    agent_replies: int | None = None  # public agent replies (metric_set.replies), None when not read
    sla_targets: tuple[Target, ...] = ()  # from include=metric_events; Zendesk may write them minutes late
    referrals: tuple[Referral, ...] = ()  # requests about this ticket the service found elsewhere
    call: Call | None = None  # the Talk call the ticket came from

    def referred(self, kind: str) -> Referral | None:
        """The latest request of this kind delivered with the ticket's notifications (None: none)."""
        return next((r for r in reversed(self.referrals) if r.kind == kind), None)

    def field(self, field_id: int | None) -> object:
        """Return a custom field's value (None when unset or not configured)."""
        return dict(self.custom_fields).get(field_id) if field_id else None

    @property
    def new_customer_comments(self) -> tuple[Comment, ...]:
        """The new comments an end-user wrote."""
        return tuple(c for c in self.new_comments if c.by_customer)


@dataclass(frozen=True)
class Comments:
    """One page of a ticket's comments, newest first, as read."""

    page: tuple[Comment, ...]
    count: int | None = None  # all comments of the ticket, when Zendesk says

    @property
    def newest_id(self) -> int | None:
        """The id to remember as examined."""
        return self.page[0].id if self.page else None


def new_since(
    comments: Comments, mark: int | None, since: datetime | None, announced: frozenset[int] = frozenset()
) -> tuple[Comment, ...]:
    """The comments not examined before, oldest first.

    With a mark (the newest comment examined last time), every comment after it;
    without one, those the webhooks announced and any written since the first of
    them (less SLACK). Without either, the newest comment alone.
    """
    page = comments.page
    if mark is not None and any(c.id == mark for c in page):
        fresh = page[: next(i for i, c in enumerate(page) if c.id == mark)]
    elif since is not None or announced:
        start = since - SLACK if since else None
        fresh = tuple(
            c for c in page if c.id in announced or (start is not None and (parse_time(c.created_at) or start) >= start)
        )
    else:
        fresh = page[:1]
    return tuple(reversed(fresh))


def parse_time(value: str | None) -> datetime | None:
    """Parse Zendesk's ISO 8601 timestamps (nanosecond fractions included); None if not one."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    if "." in text:  # Python reads at most microseconds
        head, _, rest = text.partition(".")
        digits = "".join(ch for ch in rest if ch.isdigit())
        text = f"{head}.{digits[:6]}{rest[len(digits) :]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
