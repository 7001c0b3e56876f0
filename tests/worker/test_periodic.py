"""Periodic jobs as inbox rows (worker/periodic): one row a slot however many workers schedule it, the next slot
booked by each run, chained steps, a failing job carried by one row. The jobs here are small stand-ins; the real
ones against the fake Zendesk are in tests/scenarios (test_periodic_dead_letters.py, test_sla_engine.py)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest
from support.service import Clock

from zendesk_escalator.worker.periodic import FAILING, JobResult, Periodic

START = datetime(2026, 11, 23, 9, 0, 10, tzinfo=timezone.utc)  # 10 s into a minute's slot
DAY = 86400.0


@dataclass
class Every:
    """A job every `every` seconds that does what it is told next."""

    name: str = "sla_feed"
    every: float = 60.0
    ticket_id: int = -1
    results: list = field(default_factory=list)  # JobResult or Exception, one a run; then plain runs
    ran: list = field(default_factory=list)  # the payloads it ran with

    def run(self, payload):
        self.ran.append(payload)
        result = self.results.pop(0) if self.results else JobResult(f"run {len(self.ran)}")
        if isinstance(result, Exception):
            raise result
        return result


@dataclass
class Daily(Every):
    """A calendar job at 08:00 UTC each day."""

    name: str = "daily_report"
    every: float = DAY
    ticket_id: int = -4

    def next_run(self, after):
        eight = (int(after // DAY)) * DAY + 8 * 3600
        return eight if eight > after else eight + DAY

    def slot(self, run_at):
        return datetime.fromtimestamp(run_at, tz=timezone.utc).date().isoformat()


@pytest.fixture
def clock():
    return Clock(START)


def pending(inbox) -> list[tuple[str, float, dict]]:
    return [(r.dedupe_key, r.run_at, r.payload) for r in inbox.rows("pending")]


def run_due(periodic: Periodic, inbox, clock):
    """Claim what is due now and hand it to the handler, as a worker does; the outcome and the rows.

    A row that raised is retried much later (the worker's backoff), so the job's next slots come first."""
    now = clock().timestamp()
    rows = inbox.claim("w", now, 60)
    if not rows:
        return None, rows
    try:
        outcome = periodic.handle(rows)
    except Exception as error:
        inbox.retry(rows, "w", now, now + 30 * DAY, now + 60 * DAY, repr(error))
        raise
    inbox.complete(rows, "w", now, outcome.to_dict())
    return outcome, rows


def test_every_worker_starting_schedules_the_same_one_row_a_slot(inbox, clock):
    feed, sweep = Every(), Every("sla_sweep", 3600.0, -2)
    assert Periodic(inbox, clock, [feed, sweep]).start() == 2
    clock.advance(30)  # another worker, in the same slots
    assert Periodic(inbox, clock, [Every(), Every("sla_sweep", 3600.0, -2)]).start() == 0
    slot = int(START.timestamp() // 60)
    assert pending(inbox) == [
        (f"periodic:sla_feed:{slot}", START.timestamp(), {"job": "sla_feed"}),
        (f"periodic:sla_sweep:{int(START.timestamp() // 3600)}", START.timestamp(), {"job": "sla_sweep"}),
    ]
    assert [r.ticket_id for r in inbox.rows()] == [-1, -2]


def test_a_run_books_the_jobs_next_slot_at_its_start(inbox, clock):
    feed = Every()
    periodic = Periodic(inbox, clock, [feed])
    periodic.start()
    outcome, _ = run_due(periodic, inbox, clock)
    assert (outcome.status, outcome.detail, feed.ran) == ("done", "run 1", [{"job": "sla_feed"}])
    next_slot = int(START.timestamp() // 60) + 1
    assert pending(inbox) == [(f"periodic:sla_feed:{next_slot}", next_slot * 60.0, {"job": "sla_feed"})]


def test_slots_missed_while_no_worker_ran_are_run_as_one(inbox, clock):
    feed = Every()
    periodic = Periodic(inbox, clock, [feed])
    periodic.start()
    clock.advance(10)
    Periodic(inbox, lambda: START + timedelta(minutes=1), [Every()]).start()  # a worker that started later
    clock.advance(3600)  # nobody ran them for an hour
    outcome, rows = run_due(periodic, inbox, clock)
    assert len(rows) == 2 and len(feed.ran) == 1 and outcome.status == "done"
    assert len(pending(inbox)) == 1


def test_a_chained_step_runs_after_the_delay_asked_with_its_payload(inbox, clock):
    sweep = Every("sla_sweep", 3600.0, -2, results=[JobResult("page 1", next_in=2.0, next_payload={"step": 1})])
    periodic = Periodic(inbox, clock, [sweep])
    periodic.start()
    run_due(periodic, inbox, clock)
    slot = int(START.timestamp() // 3600)
    assert pending(inbox) == [
        (f"periodic:sla_sweep:{slot}:1", START.timestamp() + 2.0, {"job": "sla_sweep", "step": 1}),
    ]
    clock.advance(2)
    outcome, _ = run_due(periodic, inbox, clock)
    assert sweep.ran[-1] == {"job": "sla_sweep", "step": 1} and outcome.detail == "run 2"
    assert pending(inbox)[0][0] == f"periodic:sla_sweep:{slot + 1}"  # the chain ended: the next slot


def test_a_row_of_a_job_no_longer_configured_is_ignored(inbox, clock):
    Periodic(inbox, clock, [Every("recurring_incidents", 600.0, -5)]).start()
    outcome, _ = run_due(Periodic(inbox, clock, [Every()]), inbox, clock)
    assert outcome.status == "ignored" and "'recurring_incidents'" in outcome.detail


def test_a_failing_job_is_carried_by_its_first_failing_row_until_a_run_succeeds(inbox, clock):
    feed = Every(results=[RuntimeError("boom"), RuntimeError("again"), JobResult("fine"), RuntimeError("anew")])
    periodic = Periodic(inbox, clock, [feed])
    periodic.start()
    first_key = inbox.rows()[0].dedupe_key
    with pytest.raises(RuntimeError, match="boom"):  # this row retries, or becomes the job's dead letter
        run_due(periodic, inbox, clock)
    carrier = str(inbox.rows()[0].id)
    assert periodic.cursors.get(FAILING + "sla_feed") == carrier
    next_slot = f"periodic:sla_feed:{int(START.timestamp() // 60) + 1}"
    assert [key for key, _, _ in pending(inbox)] == [first_key, next_slot]  # its next slot is booked anyway

    clock.advance(60)
    outcome, _ = run_due(periodic, inbox, clock)
    assert outcome.status == "failed" and outcome.detail == f"RuntimeError: again (row {carrier} carries the failure)"

    clock.advance(60)
    assert run_due(periodic, inbox, clock)[0].status == "done"
    assert periodic.cursors.get(FAILING + "sla_feed") is None
    clock.advance(60)
    with pytest.raises(RuntimeError, match="anew"):  # a new failure after it worked: a new carrier
        run_due(periodic, inbox, clock)


def test_a_calendar_job_is_not_run_at_start_up_but_at_its_moment_one_row_a_day(inbox, clock):
    daily = Daily()
    periodic = Periodic(inbox, clock, [daily])
    assert periodic.start() == 1
    eight = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)  # 09:00 today is past 08:00: tomorrow's
    assert pending(inbox) == [
        ("periodic:daily_report:2026-11-24", eight.timestamp(), {"job": "daily_report", "slot": "2026-11-24"})
    ]
    assert run_due(periodic, inbox, clock)[1] == []  # nothing due now


def test_each_day_of_a_calendar_job_fails_on_its_own_and_books_the_next_day_first(inbox, clock):
    daily = Daily(results=[RuntimeError("ticket gone"), RuntimeError("still gone")])
    periodic = Periodic(inbox, clock, [daily])
    periodic.start()
    for day in (24, 25):
        clock.now = datetime(2026, 11, day, 8, 0, tzinfo=timezone.utc)
        with pytest.raises(RuntimeError):  # each day's row retries and is buried apart
            run_due(periodic, inbox, clock)
        assert pending(inbox)[-1][0] == f"periodic:daily_report:2026-11-{day + 1}"
    assert periodic.cursors.get(FAILING + "daily_report") is None
