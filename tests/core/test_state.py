"""The mirror: written from the episode in agreement (fields and tags), read back only as requests and for adoption."""

from dataclasses import replace

import pytest

from zendesk_escalator.core.snapshot import TicketSnapshot
from zendesk_escalator.core.state import (
    NOT_ESCALATED,
    Mirror,
    Standing,
    asked_to_deescalate,
    asked_to_escalate,
    mirror_fields,
    mirror_tags,
    screened,
    shown,
)

STATUS, LEVEL, REASON, AT = 360010000001, 360010000002, 360010000003, 360010000004
LEVEL_3 = ("escalated", "escalation_level_3", "escalation_reason_data_loss")


@pytest.mark.parametrize(
    "tags, fields, expected",
    [
        ((), (), None),
        ((), ((STATUS, "escalation_requested"),), None),  # a request, not an escalation
        (("escalation_closed", "escalation_level_2"), ((STATUS, "escalation_closed"),), None),  # one that ended
        (
            (),
            ((STATUS, "escalation_active"), (LEVEL, "2"), (REASON, "outage"), (AT, "2026-11-01T10:00:00Z")),
            Mirror("active", 2, "outage", "2026-11-01T10:00:00Z"),
        ),
        # A re-created (empty) status field: the tags still show the escalation.
        (LEVEL_3, ((STATUS, None),), Mirror("active", 3, "data_loss", None)),
        (LEVEL_3 + ("escalation_monitoring",), (), Mirror("monitoring", 3, "data_loss", None)),
        # An agent asks again on an escalated ticket: still the escalation it was.
        (
            ("escalated", "escalation_level_1"),
            ((STATUS, "escalation_requested"),),
            Mirror("active", 1, "unknown", None),
        ),
        # Unreadable values: a level that is no number (the tag's then), a reason that is no text.
        (("escalated", "escalation_level_2"), ((LEVEL, "high"), (REASON, 7)), Mirror("active", 2, "unknown", None)),
        (("escalated",), (), None),  # the tag alone, without the level the service writes with it: an agent's own
        (("escalation_active",), (), Mirror("active", 1, "unknown", None)),  # the status value's tag
    ],
)
def test_what_the_mirror_shows_to_adopt(policy, tags, fields, expected):
    assert shown(TicketSnapshot(id=1, tags=tags, custom_fields=fields), policy) == expected


def test_without_fields_the_tags_alone_show_it(policy):
    no_fields = replace(policy, fields=type(policy.fields)())
    assert shown(TicketSnapshot(id=1, tags=LEVEL_3), no_fields) == Mirror("active", 3, "data_loss", None)


def test_a_record_outranks_what_a_webhook_s_tags_show(policy):
    recorded = Standing(True, 2, "outage", "active", recorded=True)
    assert screened(recorded, (), policy) is recorded  # a mirror emptied by an agent: still escalated
    assert screened(NOT_ESCALATED, LEVEL_3, policy) == Standing(True, 3, "data_loss", "active")
    assert screened(NOT_ESCALATED, None, policy) is NOT_ESCALATED  # no hints: nothing to screen out with
    assert screened(NOT_ESCALATED, LEVEL_3, policy).covers(3) and not NOT_ESCALATED.covers(1)


@pytest.mark.parametrize(
    "tags, fields, escalate, deescalate",
    [
        ((), (), (), False),
        (("escalate",), (), ("an agent added the tag escalate",), False),
        (
            (),
            ((STATUS, "escalation_requested"),),
            ("an agent set the escalation status to escalation_requested",),
            False,
        ),
        (("escalation_requested",), (), ("an agent set the escalation status to escalation_requested",), False),
        (("deescalate",), (), (), True),
        ((), ((STATUS, "escalation_closed"),), (), True),  # the field route is the tag route
        (("escalation_closed",), (), (), True),  # a drop-down's value is a tag
        (LEVEL_3 + ("escalation_active",), ((STATUS, "escalation_active"),), (), False),  # the mirror asks nothing
    ],
)
def test_agents_requests_are_read_from_field_or_tag(policy, tags, fields, escalate, deescalate):
    ticket = TicketSnapshot(id=1, tags=tags, custom_fields=fields)
    assert asked_to_escalate(ticket, policy) == escalate
    assert asked_to_deescalate(ticket, policy) is deescalate


def test_written_tags_agree_with_the_drop_down_value(policy):
    ticket = TicketSnapshot(
        id=1,
        tags=("vip", "escalation_requested", "escalate", "escalation_level_1"),
        custom_fields=((STATUS, "escalation_requested"),),
    )
    active = Mirror("active", 2, "outage", None)
    assert mirror_tags(ticket, policy, active, frozenset({"escalate"})) == [
        "vip",
        "escalated",
        "escalation_level_2",
        "escalation_reason_outage",
        "escalation_active",
    ]
    no_status_field = replace(policy, fields=type(policy.fields)())  # the phase tag then tells the phase
    assert mirror_tags(ticket, no_status_field, active)[-1] == "escalation_active"
    assert mirror_tags(ticket, policy, replace(active, phase="monitoring"))[-4:] == [
        "escalated",
        "escalation_level_2",
        "escalation_reason_outage",
        "escalation_monitoring",
    ]
    closed = mirror_tags(ticket, policy, replace(active, phase="closed"))
    assert "escalated" not in closed and closed[-1] == "escalation_closed"


def test_written_fields_show_the_episode_and_change_only_what_differs(policy):
    mirror = Mirror("active", 1, "customer_cc", "2026-11-22T09:30:05Z")
    assert mirror_fields(TicketSnapshot(id=1), policy, mirror) == [
        {"id": STATUS, "value": "escalation_active"},
        {"id": LEVEL, "value": 1},
        {"id": REASON, "value": "customer_cc"},
        {"id": AT, "value": "2026-11-22T09:30:05Z"},
    ]
    shown_already = TicketSnapshot(
        id=1,
        custom_fields=(
            (STATUS, "escalation_active"),
            (LEVEL, "1"),
            (REASON, "customer_cc"),
            (AT, "2026-11-22T09:30:05Z"),
        ),
    )
    assert mirror_fields(shown_already, policy, mirror) == []  # a number field read back as text is the same
    changed_by_hand = replace(shown_already, custom_fields=((STATUS, "escalation_closed"), (AT, "yesterday")))
    assert mirror_fields(changed_by_hand, policy, replace(mirror, level=2)) == [
        {"id": STATUS, "value": "escalation_active"},
        {"id": LEVEL, "value": 2},
        {"id": REASON, "value": "customer_cc"},
        {"id": AT, "value": "2026-11-22T09:30:05Z"},
    ]
