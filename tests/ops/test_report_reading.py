"""The report's reading side: timer rows as the report counts them, owners' names, the progress bar."""

import io
import logging
from datetime import datetime, timedelta, timezone

import pytest
from conftest import SAMPLES
from support.databases import open_inbox
from support.fake_admin import FakeAdmin
from support.fake_zendesk import Fault

from zendesk_escalator.core.lifecycle.episode import ACTIVE, Episode, Step
from zendesk_escalator.core.reporting.report import ACTED, ENDED, FAILED, WAITING
from zendesk_escalator.ops.report import PROGRESS_FROM, run_report
from zendesk_escalator.schemas.policy_file import load_policy
from zendesk_escalator.settings import Settings
from zendesk_escalator.store.inbox import InboxRow
from zendesk_escalator.worker.report_gathering import gather, owner_names, sla_timer
from zendesk_escalator.zendesk.admin import ZendeskAdmin
from zendesk_escalator.zendesk.transport import ZendeskSession

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
BREACH = NOW - timedelta(hours=3)
POLICY = load_policy(SAMPLES / "policy.toml")


def payload(kind: str = "sla_warning", breach: datetime = BREACH, n: int = 0) -> dict:
    return {
        "kind": kind,
        "ticket_id": 7,
        "metric": "first_reply_time",
        "breach_at": int(breach.timestamp()),
        "fire_at": int(breach.timestamp()),
        "stage": "30 min before",
        "round": n,
    }


def row(status: str, result: dict | None = None, kind: str = "sla_warning") -> InboxRow:
    return InboxRow(1, "timer", "k", 7, payload(kind), status, 1, 0.0, updated_at=NOW.timestamp(), result=result)


@pytest.mark.parametrize(
    "status, result, kind, state",
    [
        ("done", {"status": "escalated", "rule": "sla_warning"}, "sla_warning", ACTED),
        ("done", {"status": "planned", "rule": "sla_breach"}, "sla_breach", ACTED),  # a dry run's
        ("done", {"status": "escalated", "rule": "sla_breach"}, "sla_warning", ENDED),  # its breach spoke for both
        ("done", {"status": "stale", "detail": "first reply time is achieved"}, "sla_breach", ENDED),
        ("done", {"status": "superseded"}, "sla_breach", ENDED),
        ("pending", None, "sla_breach", WAITING),
        ("running", None, "sla_breach", WAITING),
        ("dead", None, "sla_breach", FAILED),
    ],
)
def test_a_timer_row_acted_only_when_its_own_kind_spoke(status, result, kind, state):
    timer = sla_timer(row(status, result, kind))
    assert (timer.kind, timer.state, timer.ticket_id, timer.breach_at, timer.at) == (kind, state, 7, BREACH, NOW)


def test_warnings_sent_days_before_the_period_still_decide_its_breaches(inbox):
    long_before = NOW - timedelta(days=6)
    inbox.schedule(
        [
            {
                "kind": "timer",
                "dedupe_key": "warned",
                "ticket_id": 7,
                "run_at": long_before.timestamp(),
                "payload": payload(breach=NOW - timedelta(hours=1)),
            }
        ],
        long_before.timestamp(),
    )
    rows = inbox.claim("w", long_before.timestamp(), 60)
    inbox.complete(rows, "w", long_before.timestamp(), {"status": "escalated", "rule": "sla_warning"})
    _, timers = gather(inbox, NOW - timedelta(hours=24))
    assert [(t.kind, t.state) for t in timers] == [("sla_warning", ACTED)]


def test_owner_names_read_once_per_hundred_and_never_fatal(fake_server, caplog):
    fake_server.endpoints[:] = [FakeAdmin()]
    fake_server.users.update({n: {"id": n, "name": f"Agent {n}"} for n in range(1, 151)})
    admin = ZendeskAdmin(ZendeskSession("https://acme.zendesk.com", fake_server.url), 2.0)
    episodes = [
        Episode(n, ACTIVE, NOW, 1, "manual", "manual", owner_id=n, history=(Step(NOW, ACTIVE, 1, "x"),))
        for n in range(1, 151)
    ]
    assert owner_names(admin, episodes)[150] == "Agent 150" and admin.session.total == 2
    fake_server.fault = lambda method, path, count: Fault(503)
    with caplog.at_level(logging.WARNING):
        assert owner_names(admin, episodes) == {}
    assert "owner names not read" in caplog.text
    fake_server.fault = None


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("count, shown", [(PROGRESS_FROM, True), (PROGRESS_FROM - 1, False)])
def test_many_timer_rows_show_a_progress_bar_on_a_terminal(tmp_path, count, shown):
    settings = Settings(database_url=f"sqlite:///{tmp_path}/inbox.db")
    open_inbox(settings.database_url).schedule(
        [
            {
                "kind": "timer",
                "dedupe_key": f"t{n}",
                "ticket_id": n,
                "payload": payload("sla_breach"),
                "run_at": NOW.timestamp() + 3600,
            }
            for n in range(count)
        ],
        NOW.timestamp(),
    )
    out, err = io.StringIO(), Terminal()
    assert run_report(settings, POLICY, timedelta(hours=24), "json", lambda: NOW, out, err) == 0
    drawn = err.getvalue()
    assert (f"Reading {count} SLA timer rows" in drawn and "100%" in drawn) is shown
    assert drawn.endswith("escalator report: 0 Zendesk API request(s) (no Zendesk credentials: owners by id)\n")
    assert '"at_risk": 0' in out.getvalue()  # waiting breach timers nobody was warned of
