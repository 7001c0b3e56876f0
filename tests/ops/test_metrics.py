from zendesk_escalator.ops.metrics import Metrics


def test_render_counters_and_inbox_gauges():
    metrics = Metrics()
    metrics.inc("escalator_webhooks_total", result="accepted")
    metrics.inc("escalator_webhooks_total", result="accepted")
    metrics.inc("escalator_webhooks_total", result="bad_signature")
    text = metrics.render({"pending": 3, "dead": 1})
    assert 'escalator_webhooks_total{result="accepted"} 2' in text
    assert 'escalator_webhooks_total{result="bad_signature"} 1' in text
    assert 'escalator_inbox_rows{status="dead"} 1' in text
    assert "escalator_inbox_up 1" in text
    assert text.endswith("\n")


def test_database_down_is_visible():
    text = Metrics().render(None)
    assert "escalator_inbox_rows" not in text and "escalator_inbox_up 0" in text
