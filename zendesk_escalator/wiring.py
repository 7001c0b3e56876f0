"""Composition root: settings → clock, store, Zendesk client, handlers, workers."""

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from .actions import ZendeskWriter
from .core.escalation.email import with_account_host
from .core.escalation.triggers import escalation_rules
from .core.kinds import LIFECYCLE, MERGE, MIRROR, NOTICE, NOTIFICATION, PERIODIC, TIMER
from .core.policy import Policy
from .observability.business_gauges import BusinessGauges, inbox_gauges
from .observability.logs import configure_logging
from .observability.metrics import Metrics
from .ops.announcements import announce_modes
from .schemas.policy_file import load_policy
from .settings import Settings, load_settings
from .store.credential_state import CredentialStates
from .store.cursors import Cursors
from .store.handle import Database
from .store.inbox import Inbox
from .store.startup import migrate_or_wait
from .worker.credentials import Credentials
from .worker.daily_report import DailyReport
from .worker.email import EmailLinker, MergeFollower
from .worker.escalate import CommentLimitWriter, NotificationHandler
from .worker.feed import ChangeFeed
from .worker.handlers import Handlers
from .worker.hotline_lines import with_account_lines
from .worker.lifecycle import Lifecycle, LifecycleHandler
from .worker.loop import Worker
from .worker.mirror import MirrorRepair
from .worker.notices import NoticeHandler, NoticePlanner, announce_targets
from .worker.periodic import Job, Periodic
from .worker.policy_started import mark_started
from .worker.pool import WorkerPool
from .worker.recurring import RecurringCheck
from .worker.retries import Breaker
from .worker.schedules import AccountSchedule, ScheduleJob
from .worker.sweep import Sweep
from .worker.timers import TimerHandler, TimerPlanner
from .zendesk.admin import ZendeskAdmin
from .zendesk.stand_ins import DryRunWriter, HintReader

Clock = Callable[[], datetime]  # aware UTC datetimes; the one clock every part is given


def utcnow() -> datetime:
    """The system clock."""
    return datetime.now(timezone.utc)


@dataclass
class Services:
    """What request handlers need; stored in app.extensions, never in module globals."""

    settings: Settings
    policy: Policy
    database: Database  # opened once; the tables (cursors, episodes, ...) are made on it
    inbox: Inbox
    metrics: Metrics
    clock: Clock
    gauges: BusinessGauges  # business gauges for /metrics; features register theirs


def build_web_services(
    settings: Settings | None, policy: Policy | None, inbox: Inbox | None, clock: Clock = utcnow
) -> Services:
    """Settings, policy and inbox for the web app; raises ConfigError on bad ones."""
    settings = settings or load_settings()
    configure_logging(settings)
    policy = policy or load_policy(settings.rules_path)
    inbox = inbox or Inbox(Database(settings.database_url))
    migrate_or_wait(inbox.database)
    announce_modes(settings, policy)
    return Services(settings, policy, inbox.database, inbox, Metrics(policy), clock, inbox_gauges(inbox, clock))


def build_worker(
    settings: Settings,
    policy: Policy,
    inbox: Inbox,
    clock: Clock = utcnow,
    breaker: Breaker | None = None,
    purges: bool = True,
    metrics: Metrics | None = None,
    sleep: Callable[[float], None] = time.sleep,
    credentials: Credentials | None = None,
) -> Worker:
    """Wire a worker with its own Zendesk client (one per thread: Zenpy is not thread-safe)."""
    metrics = (metrics or Metrics()).bind(policy)
    if settings.has_credentials and credentials is None:
        credentials = Credentials(settings, CredentialStates(inbox.database))
    policy = with_account_host(policy, settings.subdomain)
    client = ZendeskWriter(settings, on_call=metrics.zendesk_call) if settings.has_credentials else None
    reader = client or HintReader()
    # client is None only without credentials, where load_settings forces a dry run (a Settings made by hand may
    # not: then the writer wraps None, as it always has).
    writer = CommentLimitWriter(DryRunWriter() if settings.dry_run else client)  # type: ignore[arg-type]
    notices = NoticePlanner(policy, ticket_link(settings)) if policy.notify else None
    # HintReader reads tickets and comments only: without credentials Lifecycle's audits read fails (and its
    # review says so), as it always has.
    lifecycle = Lifecycle(inbox, reader, writer, policy, clock, record=not settings.dry_run, notices=notices)  # type: ignore[arg-type]
    handlers = Handlers(api_calls=(lambda: client.session.total) if client else (lambda: 0))
    if policy.notify:
        handlers.register(NOTICE, NoticeHandler(policy, metrics, settings.api_timeout))
    emails = EmailLinker(reader, writer, inbox, policy, clock)
    handlers.register(
        NOTIFICATION,
        NotificationHandler(
            reader,
            writer,
            policy,
            escalation_rules(),
            clock,
            marks=inbox.marks.get,
            dry_run=settings.dry_run,
            lifecycle=lifecycle,
            emails=emails,
        ),
    )
    handlers.register(LIFECYCLE, LifecycleHandler(lifecycle))
    if client is not None:  # SLA tracking, merge jobs and mirror repairs read Zendesk: not without credentials
        handlers.register(MERGE, MergeFollower(client, writer, inbox, clock))
        handlers.register(MIRROR, MirrorRepair(inbox, client, writer, policy, clock))
        handlers.register(
            TIMER,
            TimerHandler(
                client,
                writer,
                policy,
                clock,
                sleep,
                dry_run=settings.dry_run,
                account=AccountSchedule(Cursors(inbox.database)),
                lifecycle=lifecycle,
            ),
        )
    handlers.register(PERIODIC, Periodic(inbox, clock, periodic_jobs(settings, policy, inbox, clock, client)))
    return Worker(
        inbox,
        handlers,
        lease_seconds=settings.lease_seconds,
        retry_budget=settings.retry_budget_hours * 3600,
        retry_base=settings.retry_base_seconds,
        clock=clock,
        breaker=breaker,
        purges=purges,
        metrics=metrics,
        credentials=credentials if client else None,
        whoami=client.current_user if client else None,
    )


def ticket_link(settings: Settings) -> Callable[[int], str]:
    """A ticket's address in the agent workspace, for the chat notices."""
    base = f"https://{settings.subdomain}.zendesk.com" if settings.subdomain else (settings.api_url or "").rstrip("/")
    return lambda ticket_id: f"{base}/agent/tickets/{ticket_id}"


def periodic_jobs(
    settings: Settings, policy: Policy, inbox: Inbox, clock: Clock, reader: ZendeskWriter | None
) -> list[Job]:
    """The periodic jobs this installation runs: those reading Zendesk need credentials, the report runs when
    asked for (a dry run without credentials)."""
    jobs: list[Job] = [daily_report(settings, policy, inbox, clock, reader)] if policy.report.enabled else []
    if not settings.has_credentials:
        return jobs
    if policy.sla.enabled:
        cursors = Cursors(inbox.database)
        account = AccountSchedule(cursors)
        planner = TimerPlanner(inbox, policy, clock, account)
        # The schedule first: at a first start the feed's first reads should count in it (those read
        # before it is known are planned when it is).
        # With credentials build_worker passes its client as the reader (a test passes None: these jobs never run).
        jobs = [
            ScheduleJob(reader, account, planner, clock),  # type: ignore[arg-type]
            ChangeFeed(reader, cursors, planner, clock),  # type: ignore[arg-type]
            Sweep(reader, planner, clock, every=settings.sweep_hours * 3600, rate=settings.sweep_rate),  # type: ignore[arg-type]
            *jobs,
        ]
    if policy.recurring.enabled:
        jobs.append(RecurringCheck(reader, inbox, policy, clock))  # type: ignore[arg-type]  # as above
    return jobs


def daily_report(
    settings: Settings, policy: Policy, inbox: Inbox, clock: Clock, client: ZendeskWriter | None
) -> DailyReport:
    """The daily report job: it writes without the escalations' comment-limit fallback (no note, no report)."""
    admin = ZendeskAdmin(client.session, settings.api_timeout) if client else None
    dry_run = settings.dry_run or client is None
    writer = DryRunWriter() if dry_run else client
    assert writer is not None  # dry_run is set whenever client is None
    return DailyReport(inbox, policy, clock, writer, client, admin, dry_run=dry_run)


def build_pool(
    settings: Settings,
    policy: Policy,
    inbox: Inbox,
    count: int,
    clock: Clock = utcnow,
    metrics: Metrics | None = None,
) -> WorkerPool:
    """A process's `count` workers, sharing what is the process's: Zendesk's health, credentials, metrics."""
    breaker = Breaker(settings.retry_base_seconds)  # Zendesk's health is shared by the threads
    metrics = metrics or Metrics()  # one per process
    # So is what Zendesk says of the credentials.
    credentials = Credentials(settings, CredentialStates(inbox.database)) if settings.has_credentials else None
    if settings.has_credentials:  # once a process, for its threads
        policy = with_account_lines(policy, settings)
    announce_targets(policy)
    mark_started(inbox, settings.rules_path, clock())  # `check` tells an edited policy not yet applied
    workers = [
        build_worker(settings, policy, inbox, clock, breaker, purges=n == 0, metrics=metrics, credentials=credentials)
        for n in range(count)
    ]  # one purger per process
    return WorkerPool(workers, inbox, settings.poll_seconds)
