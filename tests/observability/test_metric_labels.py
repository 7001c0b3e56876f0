"""Metric label values: the policy's reasons, levels and SLA metrics, anything else is one 'other' value."""

from conftest import SAMPLES

from zendesk_escalator.observability.metric_labels import OTHER, Labels
from zendesk_escalator.schemas.policy_file import parse_policy


def test_label_values_outside_the_policy_are_other():
    labels = Labels.of(parse_policy((SAMPLES / "policy.toml").read_text()))
    assert labels.reason("production_down") == "production_down" and labels.reason("<script>") == OTHER
    assert labels.level(3) == "3" and labels.level(99) == OTHER
    assert labels.metric("next_reply_time") == "next_reply_time" and labels.metric("x" * 300) == OTHER
