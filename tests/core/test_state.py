"""The escalation state: read from fields (or tags), written to fields and tags in agreement."""

from dataclasses import replace

import pytest

from zendesk_escalator.core.snapshot import TicketSnapshot
from zendesk_escalator.core.state import escalated_fields, escalated_tags, hinted_state, read_state

STATUS, LEVEL, REASON, AT = 360010000001, 360010000002, 360010000003, 360010000004


@pytest.mark.parametrize("tags, fields, expected", [
    ((), (), (False, 0, None, False)),
    (("escalated", "escalation_level_2", "escalation_reason_outage"), (), (False, 2, "outage", False)),
    ((), ((STATUS, "escalation_active"), (LEVEL, "2"), (REASON, "outage")), (True, 2, "outage", False)),
    ((), ((STATUS, "escalation_requested"),), (False, 0, None, True)),
    # An agent asks again on an escalated ticket: still active, and a request.
    (("escalated", "escalation_level_1"), ((STATUS, "escalation_requested"), (LEVEL, 1)), (True, 1, None, True)),
])
def test_read_state_from_fields(policy, tags, fields, expected):
    state = read_state(TicketSnapshot(id=1, tags=tags, custom_fields=fields), policy)
    assert (state.active, state.level, state.reason, state.requested) == expected


def test_read_state_from_tags_without_fields(policy):
    no_fields = replace(policy, fields=type(policy.fields)())
    state = read_state(TicketSnapshot(id=1, tags=("escalated", "escalation_level_3", "escalation_reason_data_loss")),
                       no_fields)
    assert (state.active, state.level, state.reason) == (True, 3, "data_loss")
    assert hinted_state(("escalated", "escalation_level_3"), policy).level == 3
    assert hinted_state(None, policy) is None


def test_written_tags_agree_with_the_drop_down_value(policy):
    ticket = TicketSnapshot(id=1, tags=("vip", "escalation_requested", "escalate", "escalation_level_1"),
                            custom_fields=((STATUS, "escalation_requested"),))
    assert escalated_tags(ticket, policy, 2, "outage", frozenset({"escalate"})) == [
        "vip", "escalated", "escalation_level_2", "escalation_reason_outage", "escalation_active"]
    no_status_field = replace(policy, fields=type(policy.fields)())  # the phase tag then tells the phase
    assert escalated_tags(ticket, no_status_field, 2, "outage")[-1] == "escalation_active"
    assert escalated_tags(ticket, policy, 2, "outage", phase="monitoring")[-4:] == [
        "escalated", "escalation_level_2", "escalation_reason_outage", "escalation_monitoring"]
    closed = escalated_tags(ticket, policy, 2, "outage", phase="closed")
    assert "escalated" not in closed and closed[-1] == "escalation_closed"


def test_written_fields_change_only_what_differs_and_keep_the_first_time(policy):
    fresh = TicketSnapshot(id=1)
    assert escalated_fields(fresh, policy, 1, "customer_cc", "2026-11-22T09:30:05Z") == [
        {"id": STATUS, "value": "escalation_active"}, {"id": LEVEL, "value": 1},
        {"id": REASON, "value": "customer_cc"}, {"id": AT, "value": "2026-11-22T09:30:05Z"}]
    active = TicketSnapshot(id=1, custom_fields=((STATUS, "escalation_active"), (LEVEL, 1), (AT, "earlier")))
    assert escalated_fields(active, policy, 2, "outage", "now") == [
        {"id": LEVEL, "value": 2}, {"id": REASON, "value": "outage"}]
