"""Business figures read from the database at scrape time, as GET /metrics shows them."""

import pytest
from conftest import sample
from support.scrape import Scrape
from support.service import Service, cc_fake

from zendesk_escalator.errors import StorageUnavailable


@pytest.fixture
def service(tmp_path):
    fake = cc_fake()
    yield Service(tmp_path, fake)
    fake.stop()


def scrape(service: Service) -> Scrape:
    return Scrape(service.http.get("/metrics").get_data(as_text=True))


def test_inbox_depth_and_the_lag_of_the_oldest_due_row(service):
    service.post(sample("event_comment_added.json"))
    service.clock.advance(42)
    found = scrape(service)
    assert found.families["escalator_inbox_rows"].type == "gauge"
    assert found.by("escalator_inbox_rows", "status") == {("pending",): 1, ("running",): 0, ("done",): 0, ("dead",): 0}
    assert found.value("escalator_inbox_oldest_due_seconds") == 42
    assert found.value("escalator_inbox_up") == 1
    service.work()
    found = scrape(service)
    assert found.value("escalator_inbox_rows", status="done") == 1
    assert found.value("escalator_inbox_oldest_due_seconds") == 0


def test_a_feature_registers_its_own_figures(service):
    figures = service.app.extensions["escalator"].gauges
    seen = []
    figures.register(
        "escalator_test_breaches",
        "Breaches by metric.",
        ["metric", "level"],
        lambda now: seen.append(now) or {("first_reply_time", "1"): 2, ("next_reply_time", "2"): 1},
    )
    figures.register("escalator_test_escalations", "Active escalations.", [], lambda now: 7)
    found = scrape(service)
    assert found.by("escalator_test_breaches", "metric", "level") == {
        ("first_reply_time", "1"): 2,
        ("next_reply_time", "2"): 1,
    }
    assert found.value("escalator_test_escalations") == 7
    assert seen == [service.clock().timestamp()]  # read at scrape time, with the service's clock
    with pytest.raises(ValueError, match="registered already"):
        figures.register("escalator_test_escalations", "again", [], lambda now: 0)


def test_database_down_shows_no_figure_and_reads_no_further(service):
    figures = service.app.extensions["escalator"].gauges
    reads = []
    figures.register("escalator_test_first", "Fails.", [], lambda now: reads.append("first") or _down())
    figures.register("escalator_test_second", "Not read.", [], lambda now: reads.append("second") or 1)
    found = scrape(service)
    assert found.value("escalator_inbox_up") == 0
    assert not {"escalator_inbox_rows", "escalator_test_first", "escalator_test_second"} & set(found.families)
    assert reads == ["first"]  # a down database is not waited for once per figure


def _down():
    raise StorageUnavailable("database unavailable: test")
