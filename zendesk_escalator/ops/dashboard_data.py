"""Gather one dashboard view: the service's records from its database, the tickets and names from Zendesk.

The SLA countdown comes from Zendesk's own clock on the ticket as read (the same
show_many that gives its subject and requester), through core.sla.breach_moments,
the function the timer planner uses: a breach that was acted on stays on the page
("breached 9 min ago") until Zendesk stops measuring it. Without credentials, or
when Zendesk does not answer, the page says so and falls back to the pending SLA
timers and ids.
"""

import logging
from datetime import datetime, timedelta

from ..core.lifecycle.episode import Episode
from ..core.reporting.dashboard_chart import DAYS
from ..core.reporting.dashboard_facts import Known, Stored, TicketFacts
from ..core.reporting.dashboard_view import Dashboard, Filters, build
from ..core.sla.timers import breach_moments
from ..core.snapshot import TicketSnapshot
from ..errors import ZendeskError
from ..store.cursors import Cursors
from ..store.escalations import Escalations
from ..store.overview import Overview
from ..worker.schedules import AccountSchedule
from ..zendesk.admin import ZendeskAdmin
from ..zendesk.client import ZendeskClient
from ..zendesk.directory import Directory
from .web_services import WebServices

log = logging.getLogger(__name__)
Levels = dict[int, tuple[str | None, tuple[int, ...]]]  # level -> (its name, its followers)
NO_CREDENTIALS = "no Zendesk credentials: people are shown by id, the SLA from the service's pending timers"


def gather(services: WebServices, directory: Directory, filters: Filters) -> Dashboard:
    """Read what the page shows and build its view model."""
    now, policy = services.clock(), services.policy
    overview = Overview(services.database)
    episodes = Escalations(services.database).open_ones()
    stored = Stored(
        episodes,
        overview.moments([e.ticket_id for e in episodes]),
        overview.decisions(),
        overview.health(now.timestamp()),
        overview.opened_since(now - timedelta(days=DAYS)),
        overview.dead(),
    )
    levels: Levels = {level.level: (level.name, level.followers) for level in policy.levels}
    return build(stored, now, levels, zendesk_facts(services, directory, episodes, levels), filters)


def zendesk_facts(services: WebServices, directory: Directory, episodes: list[Episode], levels: Levels) -> Known:
    """The open escalations' tickets and people as Zendesk has them; what it cost; what could not be read."""
    settings, policy = services.settings, services.policy
    if not settings.has_credentials:
        return Known(problem=NO_CREDENTIALS)
    if not episodes:
        return Known()
    client = ZendeskClient(settings, on_call=services.metrics.zendesk_call)  # its session counts this view's calls
    tickets: dict[int, TicketSnapshot] = {}
    replies: dict[int, datetime | None] = {}
    users: dict[int, str] = {}
    organizations: dict[int, str] = {}
    problem = None
    try:
        tickets = directory.tickets_of(client, [e.ticket_id for e in episodes])
        replies = directory.last_replies(client, tickets, policy.integration_user_id)
        people = {t.requester_id for t in tickets.values() if t.requester_id}
        people |= {e.owner_id for e in episodes if e.owner_id}
        people |= {lead for e in episodes for lead in levels.get(e.level, (None, ()))[1]}
        users, organizations = directory.names(
            ZendeskAdmin(client.session, settings.api_timeout),
            people,
            {t.organization_id for t in tickets.values() if t.organization_id},
        )
    except ZendeskError as error:
        log.warning("dashboard: Zendesk not read fully (%s)", error)
        problem = f"Zendesk did not answer every read ({error}): what it did not tell is shown by id"
    account = AccountSchedule(Cursors(services.database))() if policy.sla.enabled else None
    facts = {
        tid: TicketFacts(
            t.subject,
            t.requester_id,
            t.organization_id,
            breach_moments(t, policy, account),
            replies.get(tid),
            tid in replies,
        )
        for tid, t in tickets.items()
    }
    return Known(facts, users, organizations, client.session.total, problem)
