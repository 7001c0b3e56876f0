"""The daily report job end to end: the JSON the fake Zendesk receives, once a day whatever the workers do."""

from dataclasses import replace
from datetime import datetime, time, timedelta, timezone

import pytest
from conftest import SAMPLES
from support.fake_zendesk import INTEGRATION_USER
from support.report_world import busy_hours, make_world, policy_text, ticket
from support.service import Service

from zendesk_escalator.core.policy import ReportPolicy
from zendesk_escalator.schemas.policy_file import load_policy, parse_policy
from zendesk_escalator.settings import Settings
from zendesk_escalator.wiring import build_worker
from zendesk_escalator.worker.daily_report import DailyReport
from zendesk_escalator.worker.periodic import Periodic
from zendesk_escalator.zendesk.stand_ins import DryRunWriter

START = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)  # 06:00 in Berlin
EIGHT = datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)  # 08:00 in Berlin
NOTE = '\n[report]\nticket_id = 4\ndaily_at = "08:00"\ntime_zone = "Europe/Berlin"\n'
MAIL = '\n[report]\nemail = "csm@acme.example"\nname = "Casey Manager"\ntime_zone = "Europe/Berlin"\n'
KEY = "periodic:daily_report:2026-11-23"


@pytest.fixture
def world(tmp_path):
    made = []

    def make(extra: str, busy: bool = True, **settings):
        service, fake, sla = make_world(tmp_path, START, extra, **settings)
        fake.tickets[4] = ticket(4, START, "normal")["ticket"]  # the manager's report ticket
        made.append((service, fake))
        if busy:
            busy_hours(service, fake, sla)
        return service, fake

    yield make
    for service, fake in made:
        service.close()
        fake.stop()


def at(service: Service, moment: datetime) -> None:
    service.at(moment)
    service.work(rounds=100)


def notes(fake) -> list[dict]:
    return [r.body["ticket"] for r in fake.seen("PUT", 4) if r.status == 200]


def report_row(service: Service, key: str = KEY):
    return next(r for r in service.inbox.rows(limit=10_000) if r.dedupe_key == key)


def test_at_eight_in_berlin_the_report_is_an_internal_note_on_the_managers_ticket(world):
    service, fake = world(NOTE)
    at(service, EIGHT - timedelta(minutes=5))  # (a minute before, ticket 2's reminder waits until 08:00)
    assert notes(fake) == []
    at(service, EIGHT)
    (sent,) = notes(fake)
    assert set(sent) == {"comment"} and sent["comment"]["public"] is False
    body = sent["comment"]["body"]
    assert body.startswith("# Escalations: daily report of 2026-11-23\n\n2026-11-22 08:00 CET – 2026-11-23 08:00 CET")
    assert "- Opened: 3 (sla_warning 2, manual 1)" in body and "- Dana Lee: 2 active" in body
    assert "- Breaches avoided: 1 (#1); breached after a warning: 1" in body
    done = report_row(service)
    assert done.payload == {"job": "daily_report", "slot": "2026-11-23"}
    assert done.result["status"] == "done" and done.result["api_calls"] == 3  # comments, owners' names, the PUT
    assert done.result["detail"] == (
        "Escalations: daily report of 2026-11-23: internal note on ticket #4 (3 opened, 1 closed, 2 open)"
    )
    job = ("/api/v2/users/show_many.json", "/api/v2/tickets/4/comments.json", "/api/v2/tickets/4.json")
    assert [(r.method, r.path) for r in fake.requests if r.path in job] == [
        ("GET", job[0]),
        ("GET", job[1]),
        ("PUT", job[2]),
    ]


def test_a_second_worker_and_restarts_send_one_note_a_day(world, tmp_path):
    service, fake = world(NOTE, busy=False)
    other = Service(tmp_path, fake, service.policy, service.clock)
    other.worker.handlers.start()
    for minute in range(5):
        service.at(EIGHT + timedelta(minutes=minute))
        other.work(), service.work()
        restarted = Service(tmp_path, fake, service.policy, service.clock)
        restarted.worker.handlers.start()  # a restart schedules the jobs again: the same keys
        restarted.close()
    assert len(notes(fake)) == 1
    at(service, EIGHT + timedelta(days=1))
    assert len(notes(fake)) == 2 and notes(fake)[1]["comment"]["body"].startswith(
        "# Escalations: daily report of 2026-11-24"
    )
    other.close()


def test_a_worker_that_dies_after_zendesk_took_the_note_does_not_repeat_it(world):
    service, fake = world(NOTE, busy=False)
    at(service, EIGHT - timedelta(minutes=5))
    service.clock.now = EIGHT
    service.worker.handlers.handler("periodic").jobs["daily_report"].run({"job": "daily_report", "slot": "2026-11-23"})
    assert len(notes(fake)) == 1  # sent; the worker died before finishing the row, which is run again:
    at(service, EIGHT + timedelta(minutes=1))
    assert len(notes(fake)) == 1
    assert (
        report_row(service).result["detail"].startswith("Escalations: daily report of 2026-11-23: already on ticket #4")
    )


def test_a_day_that_fails_for_good_stops_no_other_day(world):
    service, fake = world(NOTE, busy=False)
    del fake.tickets[4]  # the manager's ticket was deleted
    at(service, EIGHT)
    assert report_row(service).status == "dead" and "TicketNotFound" in report_row(service).last_error
    assert report_row(service, "periodic:daily_report:2026-11-24").status == "pending"
    at(service, EIGHT + timedelta(days=1))  # each day's report is its own: one failing stands not for the next
    assert report_row(service, "periodic:daily_report:2026-11-24").last_error.startswith("job daily_report: ")


def test_by_email_a_new_solved_ticket_to_the_manager_with_an_idempotency_key(world):
    service, fake = world(MAIL)
    at(service, EIGHT)
    (created,) = [r for r in fake.seen("POST") if r.path == "/api/v2/tickets.json"]
    assert created.status == 201 and created.headers["idempotency-key"] == "zendesk-escalator-daily-report-2026-11-23"
    sent = created.body["ticket"]
    assert set(sent) == {"subject", "comment", "requester", "assignee_id", "status", "tags"}
    assert sent["subject"] == "Escalations: daily report of 2026-11-23"
    assert sent["comment"]["public"] is True and "- Breaches avoided: 1 (#1)" in sent["comment"]["body"]
    assert sent["requester"] == {"email": "csm@acme.example", "name": "Casey Manager"}
    assert (sent["assignee_id"], sent["status"], sent["tags"]) == (INTEGRATION_USER, "solved", ["escalator_report"])
    new_id = max(fake.tickets)
    requester = fake.users[fake.tickets[new_id]["requester_id"]]
    assert requester["email"] == "csm@acme.example" and fake.comments[new_id][0]["public"] is True
    assert (
        report_row(service)
        .result["detail"]
        .startswith(f"Escalations: daily report of 2026-11-23: sent to csm@acme.example as ticket #{new_id}")
    )
    assert report_row(service).result["api_calls"] == 2  # the owners' names, the POST


@pytest.mark.parametrize("later, answer", [(0, "hit"), (90, "IdempotentRequestError")])
def test_a_create_repeated_within_two_hours_makes_no_second_ticket(world, later, answer):
    service, fake = world(MAIL, busy=False)
    service.at(EIGHT)
    job = service.worker.handlers.handler("periodic").jobs["daily_report"]
    job.run({"job": "daily_report", "slot": "2026-11-23"})
    tickets = len(fake.tickets)
    service.clock.advance(later)  # the same report again (0 s), or one with other figures (later)
    detail = job.run({"job": "daily_report", "slot": "2026-11-23"}).detail
    assert len(fake.tickets) == tickets and "already sent to csm@acme.example" in detail
    second = [r for r in fake.seen("POST") if r.path == "/api/v2/tickets.json"][-1]
    assert second.status == (201 if answer == "hit" else 400)


@pytest.mark.parametrize("extra, would", [(NOTE, "PUT /api/v2/tickets/4.json"), (MAIL, "POST /api/v2/tickets.json")])
def test_a_dry_run_builds_the_report_and_sends_nothing(world, caplog, extra, would):
    service, fake = world(extra, busy=False, dry_run=True)
    at(service, EIGHT)
    assert notes(fake) == [] and not fake.seen("POST")
    detail = report_row(service).result["detail"]
    assert detail.startswith("DRY RUN, not sent: Escalations: daily report of 2026-11-23: ") and "#None" not in detail
    assert f"DRY RUN: would {would}" in caplog.text


def job(daily_at: time, zone: str) -> DailyReport:
    policy = replace(load_policy(SAMPLES / "policy.toml"), report=ReportPolicy(True, daily_at, zone, ticket_id=4))
    return DailyReport(None, policy, lambda: START, writer=None)


def test_without_credentials_the_job_runs_as_a_dry_run(inbox):
    policy = parse_policy(policy_text(NOTE))
    worker = build_worker(Settings(database_url="sqlite://"), policy, inbox, lambda: START)
    daily = worker.handlers.handler("periodic").jobs["daily_report"]
    assert isinstance(daily.writer, DryRunWriter) and daily.reader is None and daily.dry_run
    assert list(worker.handlers.handler("periodic").jobs) == ["daily_report"]  # the SLA jobs need credentials


def test_it_is_not_run_at_start_up_but_at_its_next_moment(inbox):
    daily = job(time(8, 0), "Europe/Berlin")
    periodic = Periodic(inbox, lambda: START, [daily])
    row = periodic._row(daily, daily.next_run(EIGHT.timestamp() - 1), {})
    assert (row["dedupe_key"], row["run_at"], row["ticket_id"]) == (KEY, EIGHT.timestamp(), -4)
    assert daily.next_run(EIGHT.timestamp()) == (EIGHT + timedelta(days=1)).timestamp()


def test_one_slot_a_local_day_even_when_the_clocks_change_near_midnight():
    daily = job(time(0, 30), "Europe/London")  # 00:30 UTC in winter, 23:30 UTC the day before in summer
    moments = [datetime(2026, 3, 27, 12, tzinfo=timezone.utc).timestamp()]
    for _ in range(4):
        moments.append(daily.next_run(moments[-1]))
    assert [daily.slot(m) for m in moments[1:]] == ["2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31"]
    assert int(moments[2] // 86400) == int(moments[3] // 86400)  # what a slot by UTC day would have merged
