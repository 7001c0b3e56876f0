"""The account schedule's cache and the tickets waiting for it: the planner's side of the race with the
schedule job, which end-to-end tests cannot order (tests/scenarios/test_account_schedule.py has the whole path)."""

from datetime import datetime, timedelta, timezone

from conftest import SAMPLES
from support.databases import open_inbox

from zendesk_escalator.core.snapshot import TicketSnapshot
from zendesk_escalator.schemas.policy_file import parse_policy
from zendesk_escalator.store.cursors import Cursors
from zendesk_escalator.store.inbox import Inbox
from zendesk_escalator.worker.schedules import READS_A_MINUTE, AccountSchedule, ScheduleJob
from zendesk_escalator.worker.timers import TimerPlanner

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
OFFICE = {
    "id": 7,
    "name": "Office",
    "time_zone": "Berlin",
    "intervals": [{"start_time": day * 1440 + 540, "end_time": day * 1440 + 1020} for day in range(1, 6)],
}
POLICY = parse_policy(
    (SAMPLES / "policy.toml").read_text() + '[sla]\n[[sla.fallback]]\nfirst_reply = "2h"\nschedule = "zendesk"\n'
)
WAITING = TicketSnapshot(1, status="new", priority="high", created_at=NOW - timedelta(hours=1), agent_replies=0)
ANSWERED = TicketSnapshot(2, status="open", priority="high", created_at=NOW - timedelta(hours=1), agent_replies=1)


def inbox_at(tmp_path) -> Inbox:
    inbox = open_inbox(f"sqlite:///{tmp_path}/inbox.db")
    inbox.database.migrate()
    return inbox


def timers(inbox: Inbox) -> list[str]:
    return sorted(row.dedupe_key for row in inbox.rows(limit=10_000) if row.kind == "timer")


def test_an_unknown_schedule_is_looked_up_again_at_once_a_known_one_kept_for_minutes(tmp_path):
    cursors = Cursors(inbox_at(tmp_path).database)
    ticks = iter([0.0, 1.0, 2.0, 400.0, 401.0])
    seen, elsewhere = AccountSchedule(cursors, monotonic=lambda: next(ticks)), AccountSchedule(cursors)
    assert seen() is None
    elsewhere.keep(OFFICE, {"holidays": []}, NOW.timestamp())  # another worker's schedule job
    assert seen().name == "Office"
    elsewhere.keep({**OFFICE, "name": "Moved"}, {"holidays": []}, NOW.timestamp())
    assert seen().name == "Office"  # kept for CACHE_SECONDS ...
    assert seen().name == "Moved"  # ... then read again


def test_tickets_read_before_the_schedule_wait_for_it(any_inbox):
    inbox = any_inbox
    account = AccountSchedule(Cursors(inbox.database))
    assert TimerPlanner(inbox, POLICY, lambda: NOW, account).plan({1: WAITING, 2: ANSWERED}) == 0
    assert account.waiting() == [1] and timers(inbox) == []
    account.wait([1, 3], NOW.timestamp())  # the feed and the sweep may both see it: one mark
    assert account.waiting() == [1, 3]
    account.planned([1])
    assert account.waiting() == [3]


def test_a_schedule_kept_while_the_planner_looked_plans_the_waiting_tickets_at_once(tmp_path):
    """The job kept the schedule and planned what waited just before this planner added its ticket."""
    inbox = inbox_at(tmp_path)
    account = AccountSchedule(Cursors(inbox.database))
    answers = iter([None])

    class KeptMeanwhile:
        def __call__(self):
            return next(answers, None) or account()

        def wait(self, ticket_ids, now):
            account.keep(OFFICE, {"holidays": []}, now)  # the job, on another worker, in between
            account.wait(ticket_ids, now)

        def planned(self, ticket_ids):
            account.planned(ticket_ids)

    assert TimerPlanner(inbox, POLICY, lambda: NOW, KeptMeanwhile()).plan({1: WAITING}) == 2
    assert [key.split(":")[1] for key in timers(inbox)] == ["sla_breach", "sla_warning"]
    assert account.waiting() == []


class Zendesk:
    """The reads the schedule job makes, counted."""

    def __init__(self):
        self.shown: list[int] = []

    def schedules(self):
        return {"schedules": [OFFICE]}

    def holidays(self, schedule_id):
        return {"holidays": []}

    def tickets(self, ids, include):
        self.shown.append(len(ids))
        return {
            "tickets": [
                {"id": i, "status": "new", "priority": "high", "created_at": "2026-11-23T08:00:00Z"} for i in ids
            ],
            "metric_sets": [{"ticket_id": i, "replies": 0} for i in ids],
        }


def test_many_tickets_that_waited_are_read_a_few_hundred_a_minute(tmp_path):
    inbox = inbox_at(tmp_path)
    account, zendesk = AccountSchedule(Cursors(inbox.database)), Zendesk()
    account.wait(list(range(1, 701)), NOW.timestamp())  # a long outage of the schedule read, the sweep going on
    job = ScheduleJob(zendesk, account, TimerPlanner(inbox, POLICY, lambda: NOW, account), lambda: NOW)
    first = job.run({})
    assert zendesk.shown == [100] * READS_A_MINUTE and first.next_in == 60.0 and first.next_payload == {"step": 1}
    assert "500 ticket(s) that waited for it read, 1000 timer(s) made; 200 more next minute" in first.detail
    last = job.run(first.next_payload)
    assert zendesk.shown == [100] * (READS_A_MINUTE + 2) and last.next_in is None and account.waiting() == []
    assert len(timers(inbox)) == 1400
