"""The exact body of the one PUT (before Zenpy: see tests/test_actions.py for the wire)."""

from dataclasses import replace
from datetime import datetime, timezone

from conftest import sample

from zendesk_escalator.core.escalation.plan import build_update, mirror_update, route_for
from zendesk_escalator.core.escalation.triggers import escalation_rules
from zendesk_escalator.core.lifecycle.episode import ACTIVE, Episode, escalated, standing_of
from zendesk_escalator.core.snapshot_api import comments_from_api, ticket_from_api

NOW = datetime(2026, 11, 22, 9, 30, 5, tzinfo=timezone.utc)
FIRST = datetime(2026, 11, 1, tzinfo=timezone.utc)
RULES = escalation_rules()


def cc_ticket():
    new = comments_from_api(sample("comments_cc.json")).page[-1:]
    return ticket_from_api(sample("ticket_cc.json"), new)


def plan(snap, policy, episode=None):
    """The update for the rules' decision, the fields and tags showing the episode after it."""
    decision = RULES.decide(snap, policy, standing_of(episode))
    after = episode if decision.acknowledge_only else escalated(episode, decision, snap, policy, NOW)
    return build_update(snap, decision, policy, after.mirror)


def open_episode(level, reason):
    return Episode(35436, ACTIVE, FIRST, level, reason, "impact", id=1)


def test_cc_escalation_body_exactly(policy):
    update = plan(cc_ticket(), policy)
    note = update.pop("comment")
    assert update == {
        "id": 35436,
        "safe_update": True,
        "updated_stamp": "2026-11-22T09:15:02Z",
        # the billing route matches on custom field 360010000005; no lead: assignee cleared
        "group_id": 360000000003,
        "assignee_id": None,
        "priority": "high",
        "custom_fields": [
            {"id": 360010000001, "value": "escalation_active"},
            {"id": 360010000002, "value": 1},
            {"id": 360010000003, "value": "customer_cc"},
            {"id": 360010000004, "value": "2026-11-22T09:30:05Z"},
        ],
        "tags": [
            "billing",
            "vip",
            "escalated",
            "escalation_level_1",
            "escalation_reason_customer_cc",
            "escalation_active",
        ],
    }  # follower 900000000011 of level 1 already follows: not sent again
    assert note["public"] is False
    body = note["body"]
    assert "customer_cc" in body and "level 1 (team lead)" in body
    assert "comment #10004 from the customer was sent to escalation@acme.example" in body
    assert "escalation@acme.example is CC'd on the ticket" in body
    assert "> Looping in our escalation desk: this is blocking our month-end close.\n> Please call me." in body
    assert "group → 360000000003" in body and "priority → high" in body
    assert "assignee 235323 cleared (may not be a member of group 360000000003)" in body


def test_followers_added_and_priority_never_lowered(policy):
    snap = replace(cc_ticket(), tags=("security_breach",), priority="urgent", follower_ids=frozenset())
    update = plan(snap, policy)
    assert "priority" not in update
    assert update["followers"] == [{"user_id": u, "action": "put"} for u in (900000000011, 900000000012, 900000000013)]
    # security route comes first and names a lead
    assert (update["group_id"], update["assignee_id"]) == (360000000002, 900000000021)


def test_without_ccs_and_followers_the_leads_become_collaborators(policy):
    snap = replace(cc_ticket(), has_followers=False, follower_ids=frozenset())
    update = plan(snap, policy)
    assert "followers" not in update and update["additional_collaborators"] == [900000000011]
    assert (
        "collaborators added: 900000000011 (this account has no followers: CCs and followers is off)"
        in update["comment"]["body"]
    )


def test_a_follower_named_twice_is_added_once(policy):
    snap = replace(cc_ticket(), has_followers=False, follower_ids=frozenset())
    owner_too = replace(RULES.decide(snap, policy), followers=(900000000011,))  # the owner also leads the level
    update = build_update(snap, owner_too, policy, escalated(None, owner_too, snap, policy, NOW).mirror)
    assert update["additional_collaborators"] == [900000000011]
    assert (
        "collaborators added: 900000000011 (" in update["comment"]["body"] and "011, 9" not in update["comment"]["body"]
    )


def test_manual_tag_is_consumed_and_old_level_tags_replaced(policy):
    snap = replace(
        cc_ticket(),
        new_comments=(),
        cc_emails=frozenset(),
        tags=("escalate", "escalated", "escalation_level_0", "escalation_reason_old"),
    )
    assert plan(snap, policy)["tags"] == [
        "escalated",
        "escalation_level_1",
        "escalation_reason_manual",
        "escalation_active",
    ]


def test_acknowledgement_clears_the_request_and_changes_nothing_else(policy):
    fields = (
        (360010000001, "escalation_requested"),
        (360010000002, 2),
        (360010000003, "outage"),
        (360010000004, "2026-11-01T00:00:00Z"),
    )
    snap = replace(
        cc_ticket(),
        new_comments=(),
        cc_emails=frozenset(),
        custom_fields=fields,
        tags=("escalated", "escalation_level_2", "escalation_reason_outage", "escalation_requested"),
    )
    update = plan(snap, policy, open_episode(2, "outage"))
    note = update.pop("comment")
    assert update == {
        "id": 35436,
        "safe_update": True,
        "updated_stamp": "2026-11-22T09:15:02Z",
        "custom_fields": [{"id": 360010000001, "value": "escalation_active"}],
        "tags": ["escalated", "escalation_level_2", "escalation_reason_outage", "escalation_active"],
    }
    assert note["public"] is False and "already escalated at level 2 (outage)" in note["body"]


def test_reescalation_keeps_first_escalation_time(policy):
    fields = ((360010000001, "escalation_active"), (360010000002, 1), (360010000004, "2026-11-01T00:00:00Z"))
    snap = replace(cc_ticket(), tags=("outage",), custom_fields=fields)
    assert plan(snap, policy, open_episode(1, "customer_cc"))["custom_fields"] == [
        {"id": 360010000002, "value": 2},
        {"id": 360010000003, "value": "outage"},
    ]


def test_an_emptied_or_re_created_field_is_written_again_from_the_episode(policy):
    snap = replace(cc_ticket(), tags=("outage", "escalated", "escalation_level_2"), custom_fields=())
    update = plan(snap, policy, open_episode(1, "customer_cc"))
    assert update["custom_fields"] == [
        {"id": 360010000001, "value": "escalation_active"},
        {"id": 360010000002, "value": 2},
        {"id": 360010000003, "value": "outage"},
        {"id": 360010000004, "value": "2026-11-01T00:00:00Z"},
    ]


def test_a_mirror_repair_writes_only_fields_and_tags_and_nothing_when_they_agree(policy):
    episode = open_episode(2, "outage")
    snap = replace(cc_ticket(), tags=("vip",), custom_fields=())
    repair = mirror_update(snap, policy, episode.mirror)
    assert set(repair) == {"id", "safe_update", "updated_stamp", "custom_fields", "tags"}
    assert repair["tags"] == ["vip", "escalated", "escalation_level_2", "escalation_reason_outage", "escalation_active"]
    repaired = replace(
        snap, tags=tuple(repair["tags"]), custom_fields=tuple((f["id"], f["value"]) for f in repair["custom_fields"])
    )
    assert mirror_update(repaired, policy, episode.mirror) is None


def test_same_group_keeps_assignee_and_default_group_used(policy):
    no_routes = replace(policy, routes=())
    snap = replace(cc_ticket(), group_id=360000000001)
    assert route_for(snap, no_routes).group_id == 360000000001
    update = plan(snap, no_routes)
    assert "group_id" not in update and "assignee_id" not in update


def test_without_updated_at_no_safe_update(policy):
    assert "safe_update" not in plan(replace(cc_ticket(), updated_at=None), policy)
