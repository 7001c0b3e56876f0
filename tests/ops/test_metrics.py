"""GET /metrics after real webhooks and real worker runs against the fake Zendesk, read with Prometheus's parser."""

import requests

from conftest import sample
from fake_zendesk import Fault, INTEGRATION_USER
from processes import free_port
from scrape import Scrape
from service import TICKET, Service, cc_fake
from zendesk_escalator.ops.metrics import Metrics, serve


def scrape(service: Service) -> Scrape:
    answer = service.http.get("/metrics")
    assert answer.status_code == 200 and answer.content_type.startswith("text/plain; version=0.0.4")
    return Scrape(answer.get_data(as_text=True))


def test_webhook_answers_are_counted_by_result(tmp_path):
    fake = cc_fake()
    service = Service(tmp_path, fake)
    event = sample("event_comment_added.json")
    service.post(event)
    service.post(event)  # Zendesk's retry
    service.post({**event, "type": "zen:event-type:user.created"})
    service.http.post("/webhooks/zendesk", data=b"{}", headers={"Content-Type": "application/json"})
    found = scrape(service)
    fake.stop()
    assert found.families["escalator_webhooks"].type == "counter"
    assert [found.value("escalator_webhooks_total", result=result)
            for result in ("accepted", "duplicate", "ignored", "bad_signature")] == [1, 1, 1, 1]


def test_a_worker_run_counts_its_decision_calls_and_latency(tmp_path):
    fake = cc_fake()
    service = Service(tmp_path, fake)
    service.post(sample("event_comment_added.json"))
    service.clock.advance(3)  # received → handled
    service.work()
    found = scrape(service)
    fake.stop()
    assert found.value("escalator_decisions_total", kind="notification", rule="customer_cc", outcome="escalated") == 1
    assert len(fake.requests) == 3
    assert found.by("escalator_zendesk_calls_total", "method", "endpoint", "status") == {
        (seen.method, seen.path.replace(str(TICKET), "{id}"), str(seen.status)): 1 for seen in fake.requests}
    assert found.value("escalator_processing_latency_seconds_count") == 1
    assert found.value("escalator_processing_latency_seconds_sum") == 3
    assert found.value("escalator_processing_latency_seconds_bucket", le="2.5") == 0
    assert found.value("escalator_processing_latency_seconds_bucket", le="5.0") == 1


def test_a_webhook_of_our_own_update_is_a_decision_without_a_rule(tmp_path):
    fake = cc_fake()
    service = Service(tmp_path, fake)
    event = sample("event_comment_added.json")
    event["detail"]["actor_id"] = str(INTEGRATION_USER)
    service.post(event)
    service.work()
    found = scrape(service)
    fake.stop()
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
    assert found.value("escalator_zendesk_calls_total", method="GET", endpoint="/api/v2/tickets/{id}.json",
                       status=200) == 1
    assert "escalator_inbox_rows" not in found.families and "escalator_inbox_up" not in found.families

