"""The report's reading of the store (worker/report_gathering): the episodes and SLA timer rows of a period, the
owners' names read from Zendesk (the fake admin API), the report built from them."""

import logging
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from support.fake_admin import FakeAdmin
from support.fake_zendesk import Fault
from support.report_cases import BREACH, POLICY, SINCE, UNTIL
from support.report_cases import timer_payload as payload

from zendesk_escalator.core.lifecycle.episode import ACTIVE, CLOSED, MONITORING, Episode, Step
from zendesk_escalator.core.reporting.report import ACTED, ENDED, FAILED, WAITING
from zendesk_escalator.store.escalations import Escalations
from zendesk_escalator.store.rows import InboxRow
from zendesk_escalator.worker.report_gathering import LOOKBACK, gather, make_report, owner_names, sla_timer
from zendesk_escalator.zendesk.admin import ZendeskAdmin
from zendesk_escalator.zendesk.transport import ZendeskSession

NOW = UNTIL  # the report is made at its period's end


def row(status: str, result: dict | None = None, kind: str = "sla_warning") -> InboxRow:
    return InboxRow(1, "timer", "k", 7, payload(kind), status, 1, 0.0, updated_at=NOW.timestamp(), result=result)


def episode(ticket: int, state: str, opened: datetime, owner: int | None = None, closed: datetime | None = None):
    return Episode(
        ticket,
        state,
        opened,
        1,
        "manual",
        "manual",
        owner_id=owner,
        closed_at=closed,
        history=(Step(opened, ACTIVE, 1, "escalated"),),
    )


def timer_row(inbox, key: str, at: datetime, result: dict | None, kind: str = "sla_warning") -> None:
    """A timer row scheduled and (given a result) finished at `at`."""
    inbox.schedule(
        [{"kind": "timer", "dedupe_key": key, "ticket_id": 7, "run_at": at.timestamp(), "payload": payload(kind)}],
        at.timestamp(),
    )
    if result is not None:
        rows = inbox.claim("w", at.timestamp(), 60)
        inbox.complete(rows, "w", at.timestamp(), result)


def admin_on(fake_server, users: dict[int, str]) -> ZendeskAdmin:
    fake_server.endpoints[:] = [FakeAdmin()]
    fake_server.requests.clear()
    fake_server.users.update({n: {"id": n, "name": name} for n, name in users.items()})
    return ZendeskAdmin(ZendeskSession("https://acme.zendesk.com", fake_server.url), 2.0)


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


def test_timers_older_than_the_lookback_and_other_rows_are_not_gathered(inbox):
    timer_row(inbox, "too old", SINCE - LOOKBACK - timedelta(minutes=1), {"status": "escalated", "rule": "sla_warning"})
    timer_row(inbox, "in reach", SINCE - LOOKBACK + timedelta(minutes=1), {"status": "stale"})
    inbox.schedule(
        [{"kind": "notification", "dedupe_key": "event:1", "ticket_id": 7, "run_at": NOW.timestamp(), "payload": {}}],
        NOW.timestamp(),
    )
    _, timers = gather(inbox, SINCE)
    assert [(t.kind, t.state) for t in timers] == [("sla_warning", ENDED)]


def test_every_open_episode_and_those_changed_in_the_period_are_gathered(inbox):
    escalations = Escalations(inbox.database)
    long_ago = NOW - timedelta(days=60)
    escalations.save(episode(1, ACTIVE, long_ago), long_ago)  # open, unchanged for weeks
    escalations.save(episode(2, CLOSED, long_ago, closed=long_ago), long_ago)  # closed long before
    escalations.save(episode(3, CLOSED, SINCE, closed=NOW - timedelta(hours=1)), NOW - timedelta(hours=1))
    escalations.save(episode(4, MONITORING, SINCE), SINCE)
    episodes, _ = gather(inbox, SINCE)
    assert sorted(e.ticket_id for e in episodes) == [1, 3, 4]


def test_the_progress_is_told_the_total_and_every_page_read(inbox):
    for n in range(3):
        timer_row(inbox, f"t{n}", NOW, None)
    told: list = []

    @contextmanager
    def progress(total):
        told.append(("total", total))
        yield lambda count: told.append(("read", count))

    gather(inbox, SINCE, progress)
    assert told[0] == ("total", 3) and sum(n for what, n in told if what == "read") == 3


def test_owner_names_read_once_per_hundred_and_never_fatal(fake_server, caplog):
    admin = admin_on(fake_server, {n: f"Agent {n}" for n in range(1, 151)})
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


def test_only_the_owners_of_open_episodes_are_asked_for(fake_server):
    admin = admin_on(fake_server, {31: "Dana Lee", 32: "Sam Closed"})
    episodes = [
        episode(1, ACTIVE, NOW, owner=31),
        episode(2, MONITORING, NOW, owner=31),
        episode(3, CLOSED, NOW, owner=32, closed=NOW),
        episode(4, ACTIVE, NOW),
    ]
    assert owner_names(admin, episodes) == {31: "Dana Lee"}
    (asked,) = [r for r in fake_server.requests if r.path == "/api/v2/users/show_many.json"]
    assert asked.query["ids"] in ("31", ["31"])
    fake_server.requests.clear()
    assert owner_names(admin, episodes[2:3]) == {} and fake_server.requests == []  # no open owner: no request
    assert owner_names(None, episodes) == {}


def test_make_report_counts_the_period_and_names_the_owners(inbox, fake_server):
    escalations = Escalations(inbox.database)
    escalations.save(episode(1, ACTIVE, NOW - timedelta(hours=2), owner=31), NOW - timedelta(hours=2))
    escalations.save(episode(2, ACTIVE, NOW - timedelta(days=3), owner=9033), NOW - timedelta(days=3))
    escalations.save(
        episode(3, CLOSED, NOW - timedelta(days=3), closed=NOW - timedelta(hours=1)), NOW - timedelta(hours=1)
    )
    timer_row(inbox, "warned", NOW - timedelta(hours=4), {"status": "escalated", "rule": "sla_warning"})
    report = make_report(inbox, POLICY, SINCE, NOW, admin_on(fake_server, {31: "Dana Lee"}))
    assert (report.since, report.until, report.opened, report.closed, report.open_active) == (SINCE, NOW, 1, 1, 2)
    assert sorted(t.label for t in report.by_owner) == ["Dana Lee", "user 9033"]  # one name Zendesk did not know
    assert report.sla.warnings == 1
    assert make_report(inbox, POLICY, SINCE, NOW).by_owner[0].label.startswith("user ")  # without admin: by id
