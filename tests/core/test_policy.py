"""The policy's own rules: the status values the service writes, the cadence by priority, a level described or bare."""

from datetime import timedelta

from zendesk_escalator.core.policy import Level, LifecyclePolicy, StatusValues


def test_each_lifecycle_state_has_its_status_value_and_all_are_known_for_removal():
    values = StatusValues(active="esc_on")
    assert [values.of(s) for s in ("requested", "active", "monitoring", "closed")] == [
        "escalation_requested",
        "esc_on",
        "escalation_monitoring",
        "escalation_closed",
    ]
    assert values.all == ("esc_on", "escalation_requested", "escalation_monitoring", "escalation_closed")


def test_the_cadence_is_by_priority_and_a_ticket_without_one_counts_as_normal():
    lifecycle = LifecyclePolicy(cadence=(("urgent", timedelta(hours=2)), ("normal", timedelta(days=1))))
    assert lifecycle.every("urgent") == timedelta(hours=2)
    assert lifecycle.every(None) == lifecycle.every("normal") == timedelta(days=1)
    assert lifecycle.every("low") is None and LifecyclePolicy().every("urgent") is None


def test_a_level_is_the_one_described_or_a_bare_one(policy):
    described = {level.level: level for level in policy.levels}
    assert policy.level(2) == described[2] and described[2] != Level(2)
    assert policy.level(42) == Level(42)
