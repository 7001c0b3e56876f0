"""A periodic job that keeps failing: one dead row that names it, not one a run (the real worker, the fake Zendesk)."""

from collections import Counter
from datetime import datetime, timezone

from conftest import sample_policy
from support.fake_sla import SlaEndpoints
from support.fake_zendesk import FakeZendesk, Fault
from support.service import Clock, Service

from zendesk_escalator.cli import main
from zendesk_escalator.store.schema import DEAD

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
SLA = '\n[sla]\nwarn_before = "30m"\nbreach_level = 2\n'


def test_a_job_failing_for_good_leaves_one_dead_row_naming_it_until_it_works_again(tmp_path, monkeypatch, capsys):
    broken = {"feed": True}
    fake = FakeZendesk(
        {},
        endpoints=[SlaEndpoints()],
        fault=lambda method, path, n: (
            Fault(404, {"error": "InvalidEndpoint"}) if broken["feed"] and "/incremental/" in path else None
        ),
    ).start()
    clock = Clock(START)
    service = Service(tmp_path, fake, sample_policy(SLA), clock)
    try:
        service.worker.handlers.start()
        service.minutes(10)  # the feed runs every minute: ten failures
        dead = service.inbox.rows(DEAD)
        assert Counter(row.last_error.split(":")[0] for row in dead)["job sla_feed"] == 1, [r.last_error for r in dead]
        assert sum("/incremental/" in r.path for r in fake.seen("GET")) >= 10  # it kept trying, once a slot

        monkeypatch.setenv("DATABASE_URL", service.settings.database_url)
        assert main(["dead-letters", "list"]) == 0
        listed = [line for line in capsys.readouterr().out.splitlines() if "job sla_feed: TicketNotFound" in line]
        assert len(listed) == 1

        broken["feed"] = False  # it works again; a later failure is a new dead row
        service.minutes(2)
        broken["feed"] = True
        service.minutes(3)
        assert Counter(row.last_error.split(":")[0] for row in service.inbox.rows(DEAD))["job sla_feed"] == 2
    finally:
        service.close()
        fake.stop()
