"""The report's reading of the store: the escalation episodes and SLA timer rows of a period, and the owners' names.

Both the daily report (a worker job) and `escalator report` build their report from it.
"""

import logging
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Callable, ContextManager, Iterator

from ..core.kinds import TIMER
from ..core.lifecycle.episode import CLOSED, Episode
from ..core.policy import Policy
from ..core.reporting.report import ACTED, ENDED, FAILED, WAITING, Report, SlaTimer, build_report
from ..core.wording import moment
from ..errors import ZendeskError
from ..store.escalations import Escalations
from ..store.inbox import Inbox
from ..store.row_history import RowHistory
from ..store.rows import InboxRow
from ..store.schema import DEAD, PENDING, RUNNING
from ..zendesk.admin import ZendeskAdmin

log = logging.getLogger(__name__)
LOOKBACK = timedelta(days=7)  # SLA warnings fire before their breach: timers are read this far before the period
ACTING = frozenset({"escalated", "planned"})  # a timer's outcome when it acted (planned: in a dry run)
Progress = Callable[[int], ContextManager[Callable[[int], None]]]  # total rows -> "so many more read"


def make_report(
    inbox: Inbox,
    policy: Policy,
    since: datetime,
    until: datetime,
    admin: ZendeskAdmin | None = None,
    progress: Progress | None = None,
) -> Report:
    """Read the store (and the owners' names, given `admin`) and build the report for [since, until)."""
    episodes, timers = gather(inbox, since, progress)
    return build_report(episodes, timers, since, until, policy, owner_names(admin, episodes))


def gather(inbox: Inbox, since: datetime, progress: Progress | None = None) -> tuple[list[Episode], list[SlaTimer]]:
    """Every open episode and every one changed since `since`; the SLA timers a report needs."""
    escalations = Escalations(inbox.database)
    episodes = {e.id: e for e in escalations.changed_since(since, limit=None)}
    episodes.update({e.id: e for e in escalations.open_ones(limit=None)})
    history, floor = RowHistory(inbox.database), (since - LOOKBACK).timestamp()
    timers = []
    with (progress or quiet)(history.count(TIMER, floor)) as advance:
        for page in history.pages(TIMER, floor):
            timers += [sla_timer(row) for row in page]
            advance(len(page))
    return list(episodes.values()), timers


def sla_timer(row: InboxRow) -> SlaTimer:
    """An SLA timer row as the report counts it: acted only when its own kind spoke.

    Timers of one ticket due together share one outcome, in which the most
    serious alone acted: a warning that came with its breach did not act.
    """
    payload, result = row.payload, row.result or {}
    if row.status in (PENDING, RUNNING):
        state = WAITING
    elif row.status == DEAD:
        state = FAILED
    else:
        state = ACTED if result.get("status") in ACTING and result.get("rule") == payload["kind"] else ENDED
    return SlaTimer(
        payload["kind"],
        row.ticket_id,
        payload["metric"],
        moment(payload["breach_at"]),
        payload.get("round", 0),
        state,
        moment(row.updated_at),
    )


def owner_names(admin: ZendeskAdmin | None, episodes: list[Episode]) -> dict[int, str]:
    """The names of the open episodes' owners (one request per 100); none without `admin` or when refused."""
    ids = sorted({e.owner_id for e in episodes if e.owner_id and e.state != CLOSED})
    if admin is None or not ids:
        return {}
    try:
        return {user["id"]: user["name"] for user in admin.users(ids) if user.get("name")}
    except ZendeskError as error:
        log.warning("owner names not read (%s): owners are shown by id", error)
        return {}


@contextmanager
def quiet(total: int) -> Iterator[Callable[[int], None]]:
    """No progress shown: rows read are not counted anywhere."""
    yield lambda count: None
