"""The SLA engine end to end in one process: the real worker (feed, sweep, timers) against the fake
Zendesk's SLA clock, time injected and shared, assertions on what Zendesk received and when.
"""

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from conftest import sample_policy
from support.fake_sla import SlaEndpoints
from support.service import Clock, Service
from support.sla_world import sla_fake
from support.zendesk_records import listed_ticket, sla_policy_text

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # a Monday
SLA = sla_policy_text('repeat_every = "1h"', 'time_zone = "Europe/Berlin"')


def ticket(ticket_id: int, priority: str = "urgent", created: datetime = START) -> dict:
    return listed_ticket(
        ticket_id, created, priority=priority, custom_fields=[{"id": 360010000005, "value": "billing"}]
    )


@pytest.fixture
def world(tmp_path, made):
    """A fake Zendesk with an SLA clock, the service in front of it, one shared injected clock."""

    def make(tickets, extra_policy=SLA, sla=None, **service_options):
        clock = Clock(START)
        fake, sla = sla_fake(clock, tickets, made, sla)
        policy = sample_policy(extra_policy)
        service = Service(tmp_path, fake, policy, clock, **service_options)
        service.worker.handlers.start()  # as a starting worker does: schedule the periodic jobs
        return service, fake, sla

    return make


def minutes(service, count: int) -> None:
    """Let `count` minutes pass, the worker doing whatever falls due each minute."""
    for _ in range(count):
        service.clock.advance(60)
        service.work()


def puts_at(fake, ticket_id: int) -> list[tuple[float, dict]]:
    """(minutes after START, body) of each update Zendesk applied to the ticket."""
    return [
        ((r.when - START.timestamp()) / 60, r.body["ticket"]) for r in fake.seen("PUT", ticket_id) if r.status == 200
    ]


def test_a_warning_and_then_the_breach_each_within_a_minute_of_their_moment(world):
    service, fake, sla = world([ticket(1)])
    breach = sla.start_clock(fake, 1)  # urgent: first reply within 60 min
    minutes(service, 75)
    (warned_at, warning), (breached_at, escalation) = puts_at(fake, 1)
    assert 30 <= warned_at < 31 and 60 <= breached_at < 61
    assert "group_id" not in warning and warning["followers"] == [{"user_id": 900000000011, "action": "put"}]
    assert {"id": 360010000003, "value": "sla_warning"} in warning["custom_fields"]
    assert (
        "first reply time breaches at 2026-11-23 11:00 CET (2026-11-23 10:00 UTC): 30 min left (30 min before)"
        in warning["comment"]["body"]
    ) and warning["comment"]["public"] is False
    assert escalation["group_id"] == 360000000003  # the routing table, as any escalation
    assert {"id": 360010000002, "value": 2} in escalation["custom_fields"]
    assert (
        "first reply time breached at 2026-11-23 11:00 CET (2026-11-23 10:00 UTC), 0 min ago"
        in escalation["comment"]["body"]
    )
    assert breach == START + timedelta(hours=1)


def test_still_breached_and_unanswered_an_hour_later_the_next_level_is_told(world):
    service, fake, sla = world([ticket(1)])
    sla.start_clock(fake, 1)
    minutes(service, 125)
    levels = [
        next(f["value"] for f in body["custom_fields"] if f["id"] == 360010000002)
        for _, body in puts_at(fake, 1)
        if any(f["id"] == 360010000002 for f in body.get("custom_fields", []))
    ]
    assert [round(at) for at, _ in puts_at(fake, 1)] == [30, 60, 120] and levels == [1, 2, 3]
    assert "still breached and unanswered" in puts_at(fake, 1)[-1][1]["comment"]["body"]


def test_an_agent_reply_just_before_the_breach_means_no_alarm(world):
    service, fake, sla = world([ticket(1)])
    sla.start_clock(fake, 1)
    minutes(service, 40)
    assert len(puts_at(fake, 1)) == 1  # the warning
    timer_handler = service.worker.handlers.handler("timer")

    def agent_replies_while_the_worker_waits(seconds):
        sla.agent_replied(fake, 1)  # 20 s before the breach: the export cannot have shown it yet
        service.clock.advance(seconds)

    service.at(START + timedelta(minutes=59, seconds=40))  # the breach's minute is claimed, re-checked, waited for
    timer_handler.sleep = agent_replies_while_the_worker_waits
    service.work()
    timer_handler.sleep = service.clock.advance
    minutes(service, 30)
    assert len(puts_at(fake, 1)) == 1  # no false alarm
    refused = [r for r in fake.seen("PUT", 1) if r.status == 409]
    assert len(refused) == 1  # safe_update caught the change; the ticket was read again, found achieved


def test_the_moments_of_one_minute_are_re_checked_with_one_read_and_acted_on_in_their_order(world):
    service, fake, sla = world([ticket(n) for n in range(1, 7)])
    for tid in range(1, 7):  # warnings at 09:30:48, 09:30:40 ... 09:30:08: seconds apart, in one minute
        sla.start_clock(fake, tid, minutes=60, at=START.timestamp() + 8 * (7 - tid))
    minutes(service, 25)  # the feed plans them
    waits = []
    service.worker.handlers.handler("timer").sleep = waits.append  # time moves only with the polling below
    before = len(fake.requests)
    for _ in range(8 * 60):  # 09:25 to 09:33, a second at a time, as the polling worker sees it
        service.clock.advance(1)
        service.work()
    rechecks = [r.query["ids"] for r in fake.requests[before:] if r.path.endswith("/show_many.json")]
    assert rechecks == ["1,2,3,4,5,6"]  # one read for the minute, not one per moment
    assert [int(r.path.split("/")[-1].split(".")[0]) for r in fake.seen("PUT")] == [6, 5, 4, 3, 2, 1]
    assert [round(s) for s in waits] == [38, 46, 54, 62, 70, 78]  # from the claim at 09:29:30 to each moment


def test_a_moved_breach_replans_and_the_old_timers_do_nothing(world):
    service, fake, sla = world([ticket(1)])
    sla.start_clock(fake, 1)  # 10:00
    minutes(service, 5)
    sla.start_clock(fake, 1, minutes=180, at=START.timestamp())  # the target became 3 h: 12:00
    minutes(service, 200)
    assert [round(at) for at, _ in puts_at(fake, 1)] == [150, 180]  # 30 min before 12:00, and at 12:00
    superseded = [r for r in service.inbox.rows(limit=10_000) if (r.result or {}).get("status") == "superseded"]
    assert {r.payload["kind"] for r in superseded} == {"sla_warning", "sla_breach"}


def test_a_breach_that_moves_back_to_its_first_time_is_watched_again(world):
    service, fake, sla = world([ticket(1)])
    sla.start_clock(fake, 1)  # urgent: 10:00
    minutes(service, 5)
    sla.start_clock(fake, 1, minutes=240, at=START.timestamp())  # lowered to high: 13:00, the 10:00 timers superseded
    minutes(service, 5)
    sla.start_clock(fake, 1, minutes=60, at=START.timestamp())  # raised back: 10:00 again, the same moments
    minutes(service, 62)
    assert [round(at) for at, _ in puts_at(fake, 1)] == [30, 60]


def test_a_breach_moved_earlier_after_its_escalation_is_not_escalated_again(world):
    service, fake, sla = world([ticket(1)])
    sla.start_clock(fake, 1)  # 10:00
    minutes(service, 62)
    sla.start_clock(fake, 1, minutes=45, at=START.timestamp())  # Zendesk moved it to 09:45 (say, the priority rose)
    minutes(service, 5)
    assert [round(at) for at, _ in puts_at(fake, 1)] == [30, 60]  # the warning and the one breach escalation


def test_two_workers_and_redelivered_plans_never_fire_twice(world, tmp_path):
    service, fake, sla = world([ticket(1), ticket(2)])
    other = Service(tmp_path, fake, service.policy, service.clock)  # a second worker on the same database
    other.worker.handlers.start()
    for tid in (1, 2):
        sla.start_clock(fake, tid)
    for _ in range(70):
        service.clock.advance(60)
        other.work()
        service.work()
        service.worker.handlers.start()  # a restart schedules the jobs again: the same keys
    assert {tid: [round(at) for at, _ in puts_at(fake, tid)] for tid in (1, 2)} == {1: [30, 60], 2: [30, 60]}


def test_the_feed_stays_inside_the_export_limit_and_never_asks_for_the_last_minute(world):
    service, fake, sla = world([ticket(n) for n in range(1, 6)])
    for tid in range(1, 6):
        sla.start_clock(fake, tid)
    minutes(service, 20)
    exports = [r for r in fake.seen("GET") if r.path.endswith("/incremental/tickets/cursor.json")]
    assert all(r.status == 200 for r in exports)
    per_minute = {}
    for r in exports:
        per_minute[int(r.when // 60)] = per_minute.get(int(r.when // 60), 0) + 1
    assert max(per_minute.values()) <= 5 and len(exports) <= 21
    assert exports[0].query["start_time"] == str(int(exports[0].when - timedelta(days=7).total_seconds()))
    assert all("cursor" in r.query for r in exports[1:])


def test_refused_sideloads_are_read_with_show_many(world):
    service, fake, sla = world([ticket(1)], sla=SlaEndpoints(refuse_sideloads=True))
    sla.start_clock(fake, 1)
    minutes(service, 62)
    assert [round(at) for at, _ in puts_at(fake, 1)] == [30, 60]
    assert any(r.path.endswith("show_many.json") and r.query["include"] == "slas,metric_sets" for r in fake.seen("GET"))


def test_the_sweep_makes_timers_the_feed_did_not(world):
    service, fake, sla = world([ticket(n) for n in range(1, 4)])
    for tid in range(1, 4):
        sla.start_clock(fake, tid)
    service.worker.handlers.handler("periodic").jobs.pop("sla_feed")  # as if the feed were off
    minutes(service, 62)
    assert {tid: [round(at) for at, _ in puts_at(fake, tid)] for tid in range(1, 4)} == {
        t: [30, 60] for t in range(1, 4)
    }
    searched = [r for r in fake.seen("GET") if r.path.endswith("/search/export.json")]
    assert searched and searched[0].query["query"] == "status<solved"


def test_the_sweep_spends_at_most_its_rate_in_any_minute(world):
    service, fake, sla = world([ticket(n) for n in range(1, 251)], sweep_rate=2.0)
    for tid in range(1, 251):
        sla.start_clock(fake, tid)
    service.worker.handlers.handler("periodic").jobs.pop("sla_feed")  # the sweep's requests alone
    for _ in range(180):  # a second at a time, as the polling worker sees it
        service.clock.advance(1)
        service.work()
    swept = [r.when for r in fake.seen("GET") if r.path.endswith(("/search/export.json", "/show_many.json"))]
    per_minute = Counter(int((when - START.timestamp()) // 60) for when in swept)
    assert len(swept) == 4 and max(per_minute.values()) == 2  # one page, 3 reads: 30 s apart, not at once
    timers = {r.ticket_id for r in service.inbox.rows(limit=10_000) if r.kind == "timer"}
    assert timers == set(range(1, 251))


def test_an_integration_user_that_is_no_admin_pauses_the_feed_and_says_why(world, caplog):
    class NotAdmin(SlaEndpoints):
        def answer(self, fake, method, path, query, body):
            if path.endswith("/incremental/tickets/cursor.json"):
                return 403, {"error": "Forbidden", "description": "You do not have access to this page."}
            return super().answer(fake, method, path, query, body)

    service, fake, sla = world([ticket(1)], sla=NotAdmin())
    minutes(service, 3)
    exports = [r for r in fake.seen("GET") if "incremental" in r.path]
    assert len(exports) == 1  # asked once, then paused for an hour
    assert "the change feed needs an admin" in caplog.text


def test_the_services_own_first_reply_target_where_zendesk_has_no_sla(world):
    fallback = SLA + '\n[[sla.fallback]]\nfirst_reply = "2h"\n'
    service, fake, sla = world([ticket(1), ticket(2)], fallback)
    fake.metric_sets.update({1: {"replies": 0}, 2: {"replies": 0}})
    fake.changed(fake.tickets[1]), fake.changed(fake.tickets[2])
    minutes(service, 100)
    sla.agent_replied(fake, 2)
    minutes(service, 30)
    assert [round(at) for at, _ in puts_at(fake, 1)] == [90, 120]
    assert "first reply target breached" in puts_at(fake, 1)[1][1]["comment"]["body"]
    assert [round(at) for at, _ in puts_at(fake, 2)] == [90]  # warned, then answered: no breach


def test_percentage_stages_from_the_target_zendesk_applied(world):
    service, fake, sla = world([ticket(1)], SLA.replace("[sla]", "[sla]\nstages = [75, 90]"))
    sla.start_clock(fake, 1)  # a 60 min target, in calendar time
    minutes(service, 62)
    stage_notes = [(round(at), body["comment"]["body"]) for at, body in puts_at(fake, 1)]
    assert [at for at, _ in stage_notes] == [30, 45, 54, 60]  # warn_before, 75 %, 90 %, the breach
    assert "(75 % of the target)" in stage_notes[1][1] and "(90 % of the target)" in stage_notes[2][1]
    assert any(r.query.get("include", "").endswith("metric_events") for r in fake.seen("GET"))


def test_the_services_own_target_counts_in_the_accounts_zendesk_schedule(world):
    weekdays = [{"start_time": day * 1440 + 540, "end_time": day * 1440 + 1020} for day in range(1, 6)]
    office = {
        "id": 7,
        "name": "Office",
        "time_zone": "Berlin",
        "intervals": weekdays,
        "holidays": [{"id": 1, "name": "Works outing", "start_date": "2026-11-30", "end_date": "2026-11-30"}],
    }
    own = SLA + '\n[[sla.fallback]]\nfirst_reply = "2h"\nschedule = "zendesk"\n'
    friday_4pm = datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)  # 16:00 in Berlin
    service, fake, sla = world([ticket(1, created=friday_4pm)], own, sla=SlaEndpoints(schedule=office))
    service.at(friday_4pm)
    fake.metric_sets[1] = {"replies": 0}
    fake.changed(fake.tickets[1])
    minutes(service, 3)
    (breach,) = [r.payload for r in service.inbox.rows(limit=10_000) if r.payload.get("kind") == "sla_breach"]
    # 1 h on Friday, the holiday Monday skipped, 1 h on Tuesday: 10:00 in Berlin
    assert datetime.fromtimestamp(breach["breach_at"], tz=timezone.utc) == datetime(
        2026, 12, 1, 9, 0, tzinfo=timezone.utc
    )


def test_a_feed_run_that_fails_for_good_does_not_stop_the_feed(world, caplog):
    class BrokenAtFirst(SlaEndpoints):
        broken = True

        def answer(self, fake, method, path, query, body):
            if self.broken and path.endswith("/incremental/tickets/cursor.json"):
                return 404, {"error": "InvalidEndpoint", "description": "Not found"}
            return super().answer(fake, method, path, query, body)

    sla = BrokenAtFirst()
    service, fake, _ = world([ticket(1)], sla=sla)
    service.worker.handlers.handler("periodic").jobs.pop("sla_sweep")  # the feed alone keeps the timers
    sla.start_clock(fake, 1)
    minutes(service, 2)
    assert "job sla_feed: giving up (permanent answer)" in caplog.text  # that run is a dead letter ...
    sla.broken = False
    minutes(service, 60)
    assert [round(at) for at, _ in puts_at(fake, 1)] == [30, 60]  # ... and the next minute's run went on
