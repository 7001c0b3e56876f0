"""GET /metrics after real webhooks and real worker runs against the fake Zendesk, read with Prometheus's parser."""

import json
import os
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import sample, sample_policy, signed_headers
from support.fake_zendesk import INTEGRATION_USER, Fault
from support.processes import Procs, free_port, service_env, wait_until
from support.scrape import Scrape
from support.service import TICKET, Service, cc_fake

from zendesk_escalator.observability.metrics import Metrics, serve


@pytest.fixture
def fake():
    server = cc_fake()
    yield server
    server.stop()


def scrape(service: Service) -> Scrape:
    answer = service.http.get("/metrics")
    assert answer.status_code == 200 and answer.content_type.startswith("text/plain; version=0.0.4")
    return Scrape(answer.get_data(as_text=True))


def test_webhook_answers_are_counted_by_result(tmp_path, fake):
    service = Service(tmp_path, fake)
    event = sample("event_comment_added.json")
    service.post(event)
    service.post(event)  # Zendesk's retry
    service.post({**event, "type": "zen:event-type:user.created"})
    service.http.post("/webhooks/zendesk", data=b"{}", headers={"Content-Type": "application/json"})
    found = scrape(service)
    assert found.families["escalator_webhooks"].type == "counter"
    assert [
        found.value("escalator_webhooks_total", result=result)
        for result in ("accepted", "duplicate", "ignored", "bad_signature")
    ] == [1, 1, 1, 1]


def test_a_worker_run_counts_its_decision_calls_and_latency(tmp_path, fake):
    service = Service(tmp_path, fake)
    service.post(sample("event_comment_added.json"))
    service.clock.advance(3)  # received → handled
    service.work()
    found = scrape(service)
    assert found.value("escalator_decisions_total", kind="notification", rule="customer_cc", outcome="escalated") == 1
    assert len(fake.requests) == 3
    assert found.by("escalator_zendesk_calls_total", "method", "endpoint", "status") == {
        (seen.method, seen.path.replace(str(TICKET), "{id}"), str(seen.status)): 1 for seen in fake.requests
    }
    assert found.value("escalator_processing_latency_seconds_count") == 1
    assert found.value("escalator_processing_latency_seconds_sum") == 3
    assert found.value("escalator_processing_latency_seconds_bucket", le="2.5") == 0
    assert found.value("escalator_processing_latency_seconds_bucket", le="5.0") == 1


def test_escalations_by_state_and_the_timers_they_set_are_read_from_the_database(tmp_path, fake):
    policy = sample_policy('[lifecycle]\ncadence = { high = "2h" }\n')
    service = Service(tmp_path, fake, policy)
    assert scrape(service).by("escalator_escalations", "state") == {}
    service.post(sample("event_comment_added.json"))
    service.work()
    found = scrape(service)
    assert found.by("escalator_escalations", "state") == {("active",): 1}
    assert found.value("escalator_inbox_pending", kind="lifecycle") == 1  # the next update to the customer is due
    assert found.value("escalator_inbox_up") == 1


def test_a_webhook_of_our_own_update_is_a_decision_without_a_rule(tmp_path, fake):
    service = Service(tmp_path, fake)
    event = sample("event_comment_added.json")
    event["detail"]["actor_id"] = str(INTEGRATION_USER)
    service.post(event)
    service.work()
    found = scrape(service)
    assert found.value("escalator_decisions_total", kind="notification", rule="none", outcome="ignored") == 1
    assert found.total("escalator_zendesk_calls_total") == 0


def test_retry_after_and_breaker_pauses_are_counted(tmp_path):
    # Three failures in a row trip the breaker (Breaker.TRIP_AFTER); the 429 is the first.
    answers = iter([Fault(status=429, headers={"Retry-After": "30"})] + [Fault(status=503)] * 2)
    fake = cc_fake(fault=lambda *_: next(answers, None))
    service = Service(tmp_path, fake)
    service.post(sample("event_comment_added.json"))
    for _ in range(3):  # each attempt: one failing read, then the clock jumps past the pause
        assert service.work(rounds=1) == 1
        service.clock.advance(3600)
    found = scrape(service)
    fake.stop()
    assert found.value("escalator_zendesk_waits_total", reason="retry_after") == 1
    assert found.value("escalator_zendesk_wait_seconds_total", reason="retry_after") == 30
    assert found.value("escalator_zendesk_waits_total", reason="breaker") == 1
    assert found.value("escalator_zendesk_wait_seconds_total", reason="breaker") == service.settings.retry_base_seconds
    assert found.total("escalator_zendesk_calls_total", status=429) == 1
    assert found.total("escalator_zendesk_calls_total", status=503) == 2


def test_serve_shows_this_process_counts_and_no_database_figures():
    metrics = Metrics()
    metrics.webhook("accepted")
    metrics.zendesk_call("GET", "/api/v2/tickets/{id}.json", 200)
    port = free_port()
    server = serve(metrics, port, "127.0.0.1")
    try:
        found = Scrape(requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text)
    finally:
        server.shutdown()
    assert found.value("escalator_webhooks_total", result="accepted") == 1
    assert (
        found.value("escalator_zendesk_calls_total", method="GET", endpoint="/api/v2/tickets/{id}.json", status=200)
        == 1
    )
    assert "escalator_inbox_rows" not in found.families and "escalator_inbox_up" not in found.families


def post_events(base: str, count: int, first: int = 0) -> list[int]:
    """`count` distinct events at once, each on its own connection (so both web processes answer)."""

    def post(n: int) -> int:
        raw = json.dumps({**sample("event_comment_added.json"), "id": f"event-{n}"}).encode()
        return requests.post(f"{base}/webhooks/zendesk", data=raw, headers=signed_headers(raw), timeout=10).status_code

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(post, range(first, first + count)))


def scrape_url(url: str) -> Scrape:
    return Scrape(requests.get(url, timeout=5).text)


def logged_pids(log) -> set[int]:
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    return {line["pid"] for line in lines if line.get("logger") == "zendesk_escalator.webhooks"}


@pytest.mark.e2e
def test_the_procfile_pair_shows_the_counts_of_all_its_processes(tmp_path, fake):
    port, worker_port = free_port(), free_port()
    procs = Procs(service_env(fake.url, f"sqlite:///{tmp_path}/inbox.db"), tmp_path / "logs")
    base = f"http://127.0.0.1:{port}"
    try:
        web = procs.web(port, workers=2)
        procs.worker("--metrics-port", str(worker_port), "--metrics-host", "127.0.0.1")
        assert post_events(base, 40) == [202] * 40
        assert wait_until(lambda: scrape_url(f"{base}/metrics").value("escalator_inbox_rows", status="done") == 40)
        assert len(logged_pids(web.log)) == 2  # both web processes answered some
        scrapes = [scrape_url(f"{base}/metrics") for _ in range(6)]  # served by either process
        calls = len(fake.requests)
        for found in scrapes:
            assert found.value("escalator_webhooks_total", result="accepted") == 40
            assert found.total("escalator_zendesk_calls_total") == calls  # counted by the worker process
            assert found.total("escalator_decisions_total") >= 1
            assert found.value("escalator_processing_latency_seconds_count") == 40
        own = scrape_url(f"http://127.0.0.1:{worker_port}/metrics")  # the worker's own counts
        assert own.total("escalator_zendesk_calls_total") == calls
        assert own.total("escalator_decisions_total") == scrapes[0].total("escalator_decisions_total")
        assert own.total("escalator_webhooks_total") == 0 and "escalator_inbox_rows" not in own.families

        os.kill(min(logged_pids(web.log)), signal.SIGKILL)  # gunicorn replaces it: its counts stay
        for posted in range(40, 400):  # until its replacement has answered one (a TERM while it boots hangs gunicorn)
            if len(logged_pids(web.log)) == 3:
                break
            assert post_events(base, 1, first=posted) == [202]
        assert wait_until(
            lambda: scrape_url(f"{base}/metrics").value("escalator_webhooks_total", result="accepted") == posted
        )
    finally:
        procs.stop_all()
    procs.web(port)  # a new run starts from zero; the database keeps its rows
    found = scrape_url(f"{base}/metrics")
    procs.stop_all()
    assert found.value("escalator_webhooks_total", result="accepted") is None
    assert sum(found.by("escalator_inbox_rows", "status").values()) == posted


@pytest.mark.e2e
def test_escalator_run_shows_its_web_and_worker_counts(tmp_path, fake):
    port = free_port()
    procs = Procs(service_env(fake.url, f"sqlite:///{tmp_path}/inbox.db"), tmp_path / "logs")
    base = f"http://127.0.0.1:{port}"
    try:
        procs.embedded(port)
        assert post_events(base, 1) == [202]
        assert wait_until(lambda: len(fake.puts(TICKET)) == 1)
        # The row is finished (its episode kept) a moment after Zendesk got the update.
        assert wait_until(
            lambda: (
                scrape_url(f"{base}/metrics").value(
                    "escalator_decisions_total", kind="notification", rule="customer_cc", outcome="escalated"
                )
                == 1
            )
        )
        found = scrape_url(f"{base}/metrics")
    finally:
        procs.stop_all()
    assert found.value("escalator_webhooks_total", result="accepted") == 1
