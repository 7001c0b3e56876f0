"""The registry of row kinds names exactly the kinds the worker handles, and every row without a ticket of its
own queues in a lane no other row shares."""

from conftest import sample_policy

from zendesk_escalator.core.kinds import (
    KINDS,
    NOTICE,
    NOTICE_QUEUE_BASE,
    PERIODIC_LANES,
    notice_lane,
    periodic_lane,
    row_ticket,
)
from zendesk_escalator.settings import Settings
from zendesk_escalator.wiring import build_worker, periodic_jobs, utcnow

EVERYTHING = """
[sla]
warn_before = "30m"

[recurring]
count = 3
within = "7d"

[report]
ticket_id = 35436

[[notify]]
name = "leads"
kind = "slack_webhook"
url_env = "KINDS_TEST_SLACK_WEBHOOK_URL"
"""


def test_a_worker_with_credentials_and_chat_targets_handles_every_kind_the_registry_names_and_no_other(settings, inbox):
    worker = build_worker(settings, sample_policy(EVERYTHING), inbox)
    assert worker.handlers.kinds() == set(KINDS)
    handled_in = {name: type(worker.handlers.handler(name)).__module__ for name in KINDS}
    registered = {name: kind.handler.removesuffix(".py").replace("/", ".") for name, kind in KINDS.items()}
    assert handled_in == {name: f"zendesk_escalator.{module}" for name, module in registered.items()}


def test_without_credentials_or_chat_targets_only_the_kinds_that_need_neither_are_handled(tmp_path, inbox):
    bare = Settings(webhook_secrets=("s",), database_url=f"sqlite:///{tmp_path}/inbox.db")
    worker = build_worker(bare, sample_policy(), inbox)
    assert worker.handlers.kinds() == {
        name for name, kind in KINDS.items() if not kind.needs_credentials and not kind.needs_notify
    }


def test_every_periodic_job_queues_in_the_lane_the_registry_gives_it(settings, inbox):
    jobs = periodic_jobs(settings, sample_policy(EVERYTHING), inbox, utcnow, None)
    assert {job.name: job.ticket_id for job in jobs} == PERIODIC_LANES
    assert all(periodic_lane(job.name) == job.ticket_id for job in jobs)


def test_the_lanes_are_distinct_below_every_ticket_and_apart_from_the_notices():
    lanes = list(PERIODIC_LANES.values())
    assert len(set(lanes)) == len(lanes)
    assert all(-10 < lane < 0 for lane in lanes)  # Zendesk's ids start at 1; notice lanes start far below
    assert notice_lane(1) == -(NOTICE_QUEUE_BASE + 1) < min(lanes)
    assert notice_lane(35436) != notice_lane(35437)
    assert row_ticket(NOTICE, notice_lane(35436)) == 35436
    assert all(row_ticket(kind, 35436) == 35436 for kind in KINDS if kind != NOTICE)


def test_only_the_rows_without_a_ticket_of_their_own_have_a_lane():
    assert {name for name, kind in KINDS.items() if kind.own_lane} == {"periodic", "notice"}
