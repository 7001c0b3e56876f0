"""`escalator report`: the status of every escalation over a period, from the service's own store.

It reads the escalation episodes and the SLA timer rows (with a progress bar on
stderr when there are many) and asks Zendesk one thing only, the owners' names:
GET users/show_many, one request per 100 owners, when credentials are set.
Without them, or when that read fails, owners are shown by id.
"""

import sys
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Callable, Iterator, TextIO

import click

from ..core.policy import Policy
from ..core.reporting.formats import FORMATS
from ..settings import Settings
from ..worker.report_gathering import Progress, make_report, quiet
from ..zendesk.admin import ZendeskAdmin
from ..zendesk.client import ZendeskClient
from .service_db import existing_database

PROGRESS_FROM = 2000  # timer rows; fewer are read in a blink


def run_report(
    settings: Settings,
    policy: Policy,
    period: timedelta,
    fmt: str,
    clock: Callable[[], datetime],
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print the report of the last `period` in `fmt`; say on stderr what it cost in API requests."""
    out, err = out or sys.stdout, err or sys.stderr  # looked up now: tests and callers may have replaced them
    inbox = existing_database(settings.database_url)
    inbox.database.migrate()  # a fresh database has no tables yet
    until = clock()
    client = ZendeskClient(settings) if settings.has_credentials else None
    admin = ZendeskAdmin(client.session, settings.api_timeout) if client else None
    report = make_report(inbox, policy, until - period, until, admin, progress_bar(err))
    out.write(FORMATS[fmt](report))
    calls = client.session.total if client else 0
    why = "owner names" if client else "no Zendesk credentials: owners by id"
    err.write(f"escalator report: {calls} Zendesk API request(s) ({why})\n")
    return 0


def progress_bar(stream: TextIO) -> Progress:
    """A progress bar on `stream` (click's: only its label when the stream is not a terminal), for long reads."""

    @contextmanager
    def bar(total: int) -> Iterator[Callable[[int], None]]:
        if total < PROGRESS_FROM:
            with quiet(total) as advance:
                yield advance
        else:
            with click.progressbar(length=total, label=f"Reading {total} SLA timer rows", file=stream) as shown:
                yield shown.update

    return bar
