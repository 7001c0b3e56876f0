"""The registry of inbox row kinds (what each is, how it is claimed) and the lanes of the rows without a ticket."""

from dataclasses import dataclass

# The kinds, as stored in the inbox's `kind` column (and in the SQL migrations: never rename one).
NOTIFICATION = "notification"
TIMER = "timer"
LIFECYCLE = "lifecycle"
PERIODIC = "periodic"
MERGE = "merge"
MIRROR = "mirror"
NOTICE = "notice"


@dataclass(frozen=True)
class Kind:
    """One kind of inbox row and what the store, the worker and the dashboard need to know of it."""

    name: str
    handler: str  # the worker module that handles its rows
    batched: bool = False  # rows of many tickets claimed together (one read, show_many, re-checks them all)
    moment: bool = False  # due at a ticket's moment (run_at ahead): the dashboard shows it as the ticket's next step
    needs_credentials: bool = False  # handled only when the service can read Zendesk
    needs_notify: bool = False  # handled only when the policy has [[notify]] targets
    own_lane: bool = False  # queued in a lane of its own (a negative pseudo-ticket), never its ticket's


KINDS = {
    kind.name: kind
    for kind in (
        Kind(NOTIFICATION, "worker/escalate.py"),
        Kind(TIMER, "worker/timers.py", batched=True, moment=True, needs_credentials=True),
        Kind(LIFECYCLE, "worker/lifecycle.py", moment=True),
        Kind(PERIODIC, "worker/periodic.py", own_lane=True),
        Kind(MERGE, "worker/email.py", needs_credentials=True),
        Kind(MIRROR, "worker/mirror.py", needs_credentials=True),
        Kind(NOTICE, "worker/notices.py", needs_notify=True, own_lane=True),
    )
}
BATCHED = frozenset(name for name, kind in KINDS.items() if kind.batched)
MOMENTS = tuple(name for name, kind in KINDS.items() if kind.moment)

# The periodic jobs, each in a lane of its own (a negative pseudo-ticket): its runs queue behind each other and
# never behind a ticket's rows.
SLA_FEED, SLA_SWEEP, ZENDESK_SCHEDULE = "sla_feed", "sla_sweep", "zendesk_schedule"
DAILY_REPORT, RECURRING_INCIDENTS = "daily_report", "recurring_incidents"
PERIODIC_LANES = {SLA_FEED: -1, SLA_SWEEP: -2, ZENDESK_SCHEDULE: -3, DAILY_REPORT: -4, RECURRING_INCIDENTS: -5}
# A notice row queues apart from its ticket's own rows (a slow chat never holds them back), behind the ticket's
# other notices: its "ticket" is this far below zero (Zendesk's ids are far smaller; the periodic lanes are -1 to -9).
NOTICE_QUEUE_BASE = 10**15


def periodic_lane(job: str) -> int:
    """The lane (negative pseudo-ticket) a periodic job's rows queue in."""
    return PERIODIC_LANES[job]


def notice_lane(ticket_id: int) -> int:
    """The lane a notice about this ticket queues in: below zero, apart from the ticket's own rows."""
    return -(NOTICE_QUEUE_BASE + ticket_id)


def row_ticket(kind: str, ticket_id: int) -> int:
    """The ticket an inbox row is about: a notice row's own queue key names it below zero."""
    return -ticket_id - NOTICE_QUEUE_BASE if kind == NOTICE else ticket_id
